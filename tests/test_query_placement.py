"""Queries live in repositories: the modules cleaned of them stay clean (an AST check).

The README's layout says each area's ``repository.py`` (or ``queries.py``) holds every query;
services and routes call its named functions. A query written inline again fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ROUTES = sorted((ROOT / "app/api/routes").glob("*.py"))
# The pages call services as the API routes do: no query of their own either.
PAGES = sorted((ROOT / "app/pages").rglob("*.py"))
# Areas whose every module leaves its queries to the repository (or to ``queries.py``).
CLEAN_AREAS = (
    "app/accounts",
    "app/applications",
    "app/audit",
    "app/consent",
    "app/enterprises",
    "app/ops",
    "app/outbox",
    "scoring/features",
    "scoring/model",
    "scoring/registry",
    "scoring/scores",
    "scoring/sources",
    "scoring/training",
    "whitelist",
    "lenders/deadlines",
    "lenders/delivery",
    "lenders/institutions",
    "lenders/leads",
    "lenders/loans",
    "lenders/matching",
    "lenders/products",
)
REPOSITORIES = frozenset({"repository.py", "queries.py", "models.py"})
# app.core's own mechanisms keep their tables' queries in app/core/repository.py. Its database
# plumbing (db.py's connection pragmas, health.py's SELECT 1) is the engine itself, not a query
# of any table, so app.core is not a clean area as a whole.
CORE_MECHANISMS = ("throttle.py", "idempotency.py", "receipts.py")
CLEANED = [
    *(ROOT / "app/core" / name for name in CORE_MECHANISMS),
    *(
        path
        for area in CLEAN_AREAS
        for path in sorted((ROOT / area).glob("*.py"))
        if path.name not in REPOSITORIES
    ),
    *ROUTES,
    *PAGES,
]
# Calls that run SQL whatever object they are called on.
QUERY_METHODS = frozenset({"exec", "execute", "scalar", "scalars", "scalar_one", "connection"})
# session.get(Model, id) is a query too; ``get`` on anything else (a dict) is not.
SESSION_METHODS = frozenset({"get", "query", "merge", "refresh"})
STATEMENTS = frozenset({"select", "insert", "update", "delete", "text", "func"})
SQL_PACKAGES = ("sqlalchemy", "sqlmodel")


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _queries(tree: ast.Module) -> list[str]:
    """Each place in ``tree`` that builds or runs a query, as ``line: what``."""
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in SQL_PACKAGES:
            names = [alias.name for alias in node.names if alias.name in STATEMENTS]
            found += [f"{node.lineno}: imports {name}" for name in names]
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in STATEMENTS:
            found.append(f"{node.lineno}: {func.id}(…)")
        elif isinstance(func, ast.Attribute):
            receiver = func.value.id if isinstance(func.value, ast.Name) else ""
            if func.attr in QUERY_METHODS or (
                func.attr in SESSION_METHODS and receiver == "session"
            ):
                found.append(f"{node.lineno}: .{func.attr}(…)")
            elif func.attr in STATEMENTS and receiver in {"sa", "sqlalchemy", "sqlmodel"}:
                found.append(f"{node.lineno}: {receiver}.{func.attr}(…)")
    return found


@pytest.mark.parametrize("path", CLEANED, ids=lambda p: str(p.relative_to(ROOT)))
def test_module_leaves_queries_to_its_repository(path: Path) -> None:
    assert _queries(_tree(path)) == []


def test_the_check_sees_an_inline_query() -> None:
    sample = ast.parse(
        "from sqlmodel import select\n"
        "def f(session, db):\n"
        "    session.get(A, 1)\n"
        "    db.exec(select(A)).all()\n"
        "    {}.get('k')\n"
    )
    assert _queries(sample) == [
        "1: imports select",
        "3: .get(…)",
        "4: .exec(…)",
        "4: select(…)",
    ]


def _imported(tree: ast.Module) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # a relative import inside the routes package
                modules.add("app.api.routes." + (node.module or ""))
            elif node.module == "app.api.routes":
                modules.update(f"app.api.routes.{alias.name}" for alias in node.names)
            elif node.module:
                modules.add(node.module)
    return modules


@pytest.mark.parametrize("path", ROUTES, ids=lambda p: p.name)
def test_route_module_imports_no_other_route_module(path: Path) -> None:
    """Shared dependencies (ownership loaders) live in app.api, not in a sibling router."""
    assert {m for m in _imported(_tree(path)) if m.startswith("app.api.routes")} == set()
