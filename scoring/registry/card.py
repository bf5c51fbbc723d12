"""The readable model card (Markdown) of a version."""

from __future__ import annotations

from typing import Any


def render(name: str, card: dict[str, Any]) -> str:
    """A page a risk officer can read: what the model saw, how well it does, how it was built."""
    metrics = card.get("metrics", {})
    lines = [
        f"# Model card: {name}",
        "",
        f"- Trained on: {card.get('source', '?')}",
        f"- Training window: {card.get('training_window', {})}",
        f"- Features: {len(card.get('features', []))}; monotone constraints on "
        f"{len(card.get('monotone_constraints', {}))}",
        f"- Trees: {card.get('best_iteration')} (early stopping on the validation set)",
        f"- Data SHA-256: `{card.get('data_sha256', '')}`",
        "",
        "## Metrics",
        "",
        "| set | n | positives | AUC | KS | Brier |",
        "|---|---|---|---|---|---|",
    ]
    for split, values in metrics.items():
        if isinstance(values, dict):
            cells = [_cell(values, key) for key in ("n", "positives", "auc", "ks", "brier")]
            lines.append(f"| {split} | {' | '.join(cells)} |")
    for split, values in metrics.items():
        table = values.get("calibration") if isinstance(values, dict) else None
        if table:
            lines += [
                "",
                f"## Calibration by decile ({split})",
                "",
                "| decile | n | predicted | observed |",
                "|---|---|---|---|",
            ]
            lines += [
                f"| {row['decile']} | {row['n']} | {row['predicted']:.4f} | {row['observed']:.4f} |"
                for row in table
            ]
    lines += ["", "## Features", "", *[f"- `{name}`" for name in card.get("features", [])]]
    return "\n".join(lines) + "\n"


def _cell(values: dict[str, Any], key: str) -> str:
    value = values.get(key)
    if value is None:
        return "—"
    return f"{value:.4f}" if isinstance(value, float) else str(value)
