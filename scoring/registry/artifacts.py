"""A model version on disk: LightGBM's text model, the JSON card and a readable Markdown card."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # LightGBM loads when a model does, not with the web app
    from scoring.model.estimator import CreditModel

MODEL_FILE, CARD_FILE, READABLE_FILE = "model.txt", "card.json", "card.md"


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def card_for(model: CreditModel, **fields: Any) -> dict[str, Any]:
    """Everything needed to use and judge the model, beside its text."""
    return {
        "features": model.feature_names_,
        "categories": {k: [str(v) for v in vs] for k, vs in model.categories_.items()},
        "monotone_constraints": {k: v for k, v in model.monotone.items() if v},
        "params": model.params,
        "best_iteration": model.best_iteration_,
        "calibration": model.calibrator_.to_json(),
        **fields,
    }


def save(directory: Path, *, model: CreditModel, card: dict[str, Any], readable: str) -> str:
    """Write the three files (atomically each) and return the model text's SHA-256."""
    directory.mkdir(parents=True, exist_ok=True)
    text = model.model_text()
    digest = sha256_text(text)
    card = {**card, "artifact_sha256": digest}
    for name, content in (
        (MODEL_FILE, text),
        (CARD_FILE, json.dumps(card, ensure_ascii=False, indent=2, default=str)),
        (READABLE_FILE, readable),
    ):
        partial = directory / f"{name}.partial"
        partial.write_text(content, encoding="utf-8")
        os.replace(partial, directory / name)
    return digest


def load(directory: Path) -> tuple[CreditModel, dict[str, Any]]:
    """The fitted model and its card; refuses a model whose text does not match its hash."""
    text = (directory / MODEL_FILE).read_text(encoding="utf-8")
    card = json.loads((directory / CARD_FILE).read_text(encoding="utf-8"))
    if sha256_text(text) != card["artifact_sha256"]:
        raise ValueError(f"{directory / MODEL_FILE} does not match the hash on its card")
    from scoring.model import calibration
    from scoring.model.estimator import CreditModel

    model = CreditModel.from_artifacts(
        model_text=text,
        calibrator=calibration.from_json(card["calibration"]),
        categories=card.get("categories", {}),
    )
    model.monotone = dict(card.get("monotone_constraints", {}))
    return model, card
