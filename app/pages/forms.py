"""Form posts checked by the API's own schemas, with each field's error in Chinese beside it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

Model = TypeVar("Model", bound=BaseModel)

# Pydantic's error types, worded for a person; ``{…}`` takes the error's context.
MESSAGE_BY_TYPE: dict[str, str] = {
    "missing": "请填写此项",
    "string_too_short": "至少 {min_length} 个字符",
    "string_too_long": "不能超过 {max_length} 个字符",
    "string_pattern_mismatch": "格式不对",
    "int_parsing": "请填写整数",
    "int_type": "请填写整数",
    "greater_than": "必须大于 {gt}",
    "greater_than_equal": "不能小于 {ge}",
    "less_than": "必须小于 {lt}",
    "less_than_equal": "不能大于 {le}",
    "enum": "请从列表中选择",
    "literal_error": "请从列表中选择",
    "date_parsing": "请填写日期，如 2027-01-31",
    "date_from_datetime_parsing": "请填写日期，如 2027-01-31",
    "bool_parsing": "请选择是或否",
    "too_long": "最多选择 {max_length} 项",
    "too_short": "至少选择 {min_length} 项",
    "list_type": "请从列表中选择",
    "extra_forbidden": "不认识的字段",
}
GENERIC = "填写有误"


def _message(error: Mapping[str, Any]) -> str:
    text = str(error.get("msg", ""))
    if error.get("type") == "value_error":  # the schema's own rule: its message is the text
        return text.removeprefix("Value error, ") or GENERIC
    template = MESSAGE_BY_TYPE.get(str(error.get("type")), GENERIC)
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError):
        return GENERIC


def field_errors(error: ValidationError) -> dict[str, str]:
    """Field name → the first Chinese message for it; ``""`` holds errors of the whole form."""
    found: dict[str, str] = {}
    for item in error.errors():
        location = [part for part in item.get("loc", ()) if isinstance(part, str)]
        found.setdefault(location[0] if location else "", _message(item))
    return found


def parse(model: type[Model], data: Mapping[str, Any]) -> tuple[Model | None, dict[str, str]]:
    """``model`` from the form's fields (blank ones left out), or the errors by field."""
    cleaned = {key: value for key, value in data.items() if value not in ("", None)}
    try:
        return model.model_validate(cleaned), {}
    except ValidationError as error:
        return None, field_errors(error)
