"""``xyd bank-sim``: start the simulated bank (``banksim``) as its own process."""

from __future__ import annotations

import os
import sys

import typer


def bank_sim(ctx: typer.Context) -> None:
    """Run a simulated bank receiving webhooks (see `xyd bank-sim --help`), in its own process.

    The platform does not import the simulator: this replaces the process with
    ``python -m banksim`` and its arguments.
    """
    os.execv(sys.executable, [sys.executable, "-m", "banksim", *ctx.args])  # noqa: S606
