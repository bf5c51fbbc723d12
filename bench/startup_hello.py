"""The bare baseline of ``bench/startup.py``: the smallest FastAPI app, answering ``GET /``."""

from __future__ import annotations

from fastapi import FastAPI


def create_app() -> FastAPI:
    """One route, no database, no middleware."""
    app = FastAPI()

    @app.get("/")
    def hello() -> dict[str, str]:
        return {"hello": "world"}

    return app
