"""Every domain error has a kind the API maps; no domain module speaks HTTP about its errors."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from app.api import problems
from app.core.errors import DomainError, ErrorKind

PRODUCTION_PACKAGES = ("app", "scoring", "whitelist", "lenders")
HTTP_LAYERS = ("app.api", "app.pages")  # the only modules that may say what an error means in HTTP
HTTP_NAMES = frozenset({"status", "status_code", "http_status", "title", "headers"})


def _modules() -> Iterator[ModuleType]:
    for name in PRODUCTION_PACKAGES:
        package = importlib.import_module(name)
        yield package
        for info in pkgutil.walk_packages(package.__path__, f"{name}."):
            yield importlib.import_module(info.name)


MODULES = list(_modules())


def _subclasses(cls: type[DomainError]) -> Iterator[type[DomainError]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


ERRORS = sorted(
    {DomainError, *_subclasses(DomainError)}, key=lambda c: f"{c.__module__}.{c.__qualname__}"
)


def _in_http_layer(module: str) -> bool:
    return any(module == layer or module.startswith(f"{layer}.") for layer in HTTP_LAYERS)


def test_errors_were_found_in_every_domain_package() -> None:
    packages = {error.__module__.split(".")[0] for error in ERRORS}
    assert packages >= set(PRODUCTION_PACKAGES)


def test_every_kind_has_a_status_and_a_title() -> None:
    assert set(problems.STATUS_BY_KIND) == set(ErrorKind)
    assert set(problems.TITLE_BY_KIND) == set(ErrorKind)


@pytest.mark.parametrize("error", ERRORS, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_every_domain_error_has_a_code_and_a_mapped_kind(error: type[DomainError]) -> None:
    assert isinstance(error.kind, ErrorKind)
    assert error.kind in problems.STATUS_BY_KIND and error.kind in problems.TITLE_BY_KIND
    assert 400 <= problems.status_of(error) < 600
    assert error.code and error.code.isascii() and error.code == error.code.lower()


def test_codes_are_unique() -> None:
    codes = [error.code for error in ERRORS]
    assert sorted(code for code in codes if codes.count(code) > 1) == []


def test_title_overrides_name_existing_codes() -> None:
    assert set(problems.TITLE_BY_CODE) <= {error.code for error in ERRORS}


@pytest.mark.parametrize("error", ERRORS, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_no_domain_error_class_carries_http_attributes(error: type[DomainError]) -> None:
    for cls in error.__mro__:
        if issubclass(cls, DomainError) and not _in_http_layer(cls.__module__):
            assert not HTTP_NAMES & set(vars(cls)), f"{cls.__qualname__} speaks HTTP"


def _assigned_names(node: ast.ClassDef) -> Iterator[str]:
    """Names a class body sets, as class attributes or as ``self.<name>`` in its methods."""
    for child in ast.walk(node):
        targets: list[ast.expr] = []
        if isinstance(child, ast.Assign):
            targets = child.targets
        elif isinstance(child, ast.AnnAssign | ast.AugAssign):
            targets = [child.target]
        for target in targets:
            if isinstance(target, ast.Name):
                yield target.id
            elif (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id == "self"
            ):
                yield target.attr


def test_no_module_outside_the_http_layers_gives_an_error_an_http_status() -> None:
    offenders = []
    for module in MODULES:
        if _in_http_layer(module.__name__) or module.__file__ is None:
            continue
        for node in ast.walk(ast.parse(Path(module.__file__).read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef):
                continue
            cls = getattr(module, node.name, None)
            if not (isinstance(cls, type) and issubclass(cls, DomainError)):
                continue
            if spoken := HTTP_NAMES & set(_assigned_names(node)):
                offenders.append(f"{module.__name__}.{node.name}: {sorted(spoken)}")
    assert offenders == []
