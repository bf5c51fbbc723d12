"""The setup compiles installed packages to bytecode, so no start pays for compiling them.

Where a process may not write ``__pycache__`` (``PYTHONDONTWRITEBYTECODE``, a read-only
install) Python compiles every module it imports from source at every start: a second
``make run`` took 11 s instead of 8 s that way. ``make setup`` installs with
``UV_COMPILE_BYTECODE=1``, so every module of the heavy packages has its bytecode, imported or not.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

HEAVY = ("pandas", "lightgbm", "sqlalchemy", "fastapi", "pydantic", "celery")


@pytest.mark.parametrize("package", HEAVY)
def test_every_module_of_a_heavy_package_has_its_bytecode(package: str) -> None:
    spec = importlib.util.find_spec(package)
    assert spec is not None and spec.origin is not None
    sources = sorted(Path(spec.origin).parent.rglob("*.py"))
    assert sources
    missing = [
        str(path)
        for path in sources
        if not Path(importlib.util.cache_from_source(str(path))).exists()
    ]
    assert missing == [], f"{len(missing)} of {len(sources)} modules lack bytecode: {missing[:3]}"
