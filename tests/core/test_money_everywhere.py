"""The same table of yuan text is read alike by every API money field and by source files."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel, ValidationError
from sqlmodel import Session

from app.accounts.models import Role
from app.applications.schemas import ApplicationCreate
from app.enterprises.schemas import EnterpriseCreate
from lenders.leads.schemas import ApprovalRequest
from lenders.loans.schemas import DefaultCreate, DisbursementCreate, RecoveryCreate, RepaymentCreate
from lenders.products.schemas import ProductCreate, ProductFilters, ProductUpdate
from scoring.sources.contracts import CONTRACTS
from scoring.sources.validation import Context, validate
from tests.factories import bearer, enterprise_data, make_enterprise, make_user, product_fields
from tests.money_cases import BAD_YUAN, GOOD_YUAN
from tests.scoring.sources.rows import VALID

CONTEXT = Context(load_date=date(2026, 11, 23), districts=frozenset({"330502", "330503"}))
# Every request model with a money field, one valid body each, and the money field to break.
MODELS: list[tuple[type[BaseModel], dict[str, Any], str]] = [
    (
        ApplicationCreate,
        {"amount_yuan": "1", "term_months": 12, "purpose": "流动资金", "product_type": "credit"},
        "amount_yuan",
    ),
    (EnterpriseCreate, enterprise_data().model_dump(mode="json"), "registered_capital_yuan"),
    (EnterpriseCreate, enterprise_data().model_dump(mode="json"), "annual_revenue_yuan"),
    (ProductCreate, product_fields(), "min_amount_yuan"),
    (ProductUpdate, {}, "max_amount_yuan"),
    (ProductFilters, {}, "amount_yuan"),
    (ApprovalRequest, {"amount_yuan": "1", "rate_bp": 400, "term_months": 12}, "amount_yuan"),
    (
        DisbursementCreate,
        {"contract_id": "C-1", "disbursed_on": "2026-11-01", "amount_yuan": "1"},
        "amount_yuan",
    ),
    (
        RepaymentCreate,
        {"period": "2026-11", "paid_on": "2026-11-20", "principal_yuan": "0", "interest_yuan": "0"},
        "principal_yuan",
    ),
    (DefaultCreate, {"defaulted_on": "2026-11-01"}, "outstanding_yuan"),
    (RecoveryCreate, {"recovered_on": "2026-11-01", "amount_yuan": "1"}, "amount_yuan"),
]


@pytest.mark.parametrize(
    ("model", "body", "field"), MODELS, ids=lambda v: getattr(v, "__name__", v)
)
def test_every_money_field_takes_the_good_table(
    model: type[BaseModel], body: dict[str, Any], field: str
) -> None:
    model.model_validate({**body, field: "2.50"})  # the valid body itself is valid
    for text, _fen in GOOD_YUAN[1:4]:
        model.model_validate({**body, field: text})


@pytest.mark.parametrize("text", BAD_YUAN)
def test_every_money_field_refuses_each_bad_string(text: str) -> None:
    for model, body, field in MODELS:
        with pytest.raises(ValidationError) as refused:
            model.model_validate({**body, field: text})
        assert refused.value.errors()[0]["loc"][0] == field, (model.__name__, text)


@pytest.mark.parametrize("value", [1.5, True, "1.00 ", " 1.00"])
def test_floats_and_booleans_are_refused_and_surrounding_space_is_not_an_error(value: Any) -> None:
    body = {
        "amount_yuan": value,
        "term_months": 12,
        "purpose": "流动资金",
        "product_type": "credit",
    }
    if isinstance(value, str):
        assert ApplicationCreate.model_validate(body).amount_fen == 100
    else:
        with pytest.raises(ValidationError):
            ApplicationCreate.model_validate(body)


@pytest.mark.parametrize("text", BAD_YUAN)
def test_the_api_refuses_each_bad_string_over_http(
    client: TestClient, db: Session, text: str
) -> None:
    firm = make_enterprise(db)
    user = make_user(db, Role.ENTERPRISE, uscc=firm.uscc)
    body = {"amount_yuan": text, "term_months": 12, "purpose": "流动资金", "product_type": "credit"}
    response = client.post("/api/v1/applications", json=body, headers=bearer(user))
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == ["body", "amount_yuan"]
    browse = client.get("/api/v1/products", params={"amount_yuan": text})
    assert browse.status_code == 422, browse.text


def test_a_decimal_comma_is_not_read_as_fen_by_the_public_catalogue(client: TestClient) -> None:
    assert client.get("/api/v1/products", params={"amount_yuan": "1,50"}).status_code == 422
    assert client.get("/api/v1/products", params={"amount_yuan": "1.50"}).status_code == 200


@pytest.mark.parametrize("text", [t for t in BAD_YUAN if t])  # an empty cell is a missing value
def test_a_source_file_refuses_each_bad_string(text: str) -> None:
    good = VALID["tax_monthly"]
    bad = {**good, "tax_paid_yuan": text}
    frame = pd.DataFrame([good, bad]).astype("string")
    result = validate(frame, CONTRACTS["tax_monthly"], CONTEXT)
    assert result.rows["_row"].tolist() == [1]
    rules = result.rejections[result.rejections["_row"] == 2][["column", "rule"]]
    assert rules.to_dict("records") == [{"column": "tax_paid_yuan", "rule": "money_format"}]


@pytest.mark.parametrize(("text", "fen"), GOOD_YUAN)
def test_a_source_file_reads_the_good_table_as_the_api_does(text: str, fen: int) -> None:
    frame = pd.DataFrame([{**VALID["tax_monthly"], "tax_paid_yuan": text}]).astype("string")
    result = validate(frame, CONTRACTS["tax_monthly"], CONTEXT)
    if fen > 10**12:  # the column's own ceiling (absurd), not the grammar
        return
    assert result.rejections.empty, result.rejections.to_dict("records")
    assert int(result.rows.loc[0, "tax_paid_fen"]) == fen
