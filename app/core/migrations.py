"""Run the Alembic migrations from code: the CLI, the server's start-up and the tests use this."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

ROOT = Path(__file__).resolve().parents[2]


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "alembic"))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database behind ``engine`` to ``revision``."""
    if revision == "head" and _at_heads(engine):
        return  # nothing to run: skip loading every model for Alembic's environment
    from alembic import command

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def revisions(engine: Engine) -> tuple[frozenset[str], frozenset[str]]:
    """The database's current revisions and the heads of the migrations this code ships."""
    with _quiet_alembic():
        from alembic.runtime.migration import MigrationContext

        heads = frozenset(script_directory().get_heads())
        with engine.connect() as connection:
            current = frozenset(MigrationContext.configure(connection).get_current_heads())
    return current, heads


def _at_heads(engine: Engine) -> bool:
    current, heads = revisions(engine)
    return current == heads


def known_revisions() -> frozenset[str]:
    """Every revision of the migrations this code ships."""
    with _quiet_alembic():
        return frozenset(revision.revision for revision in script_directory().walk_revisions())


def script_directory() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


@contextmanager
def _quiet_alembic() -> Iterator[None]:
    """A check says nothing unless it fails: Alembic's INFO lines are for migrating."""
    logger = logging.getLogger("alembic")
    previous = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(previous)
