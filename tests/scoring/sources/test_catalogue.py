from pathlib import Path

from scoring.sources.catalogue import render_markdown
from scoring.sources.contracts import CONTRACTS

DOC = Path(__file__).resolve().parents[3] / "docs" / "data-contracts.md"


def test_the_document_is_generated_from_the_code() -> None:
    assert DOC.read_text(encoding="utf-8") == render_markdown(), "run `make docs`"


def test_every_column_is_documented_with_its_chinese_name() -> None:
    text = render_markdown()
    for contract in CONTRACTS.values():
        assert f"`{contract.kind}` — {contract.zh}" in text
        for column in contract.columns:
            assert f"| `{column.name}` | {column.zh} |" in text
