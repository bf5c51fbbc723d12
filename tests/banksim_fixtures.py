"""A real simulated bank process (``xyd bank-sim``) for the delivery tests, driven over HTTP."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

XYD = str(Path(sys.executable).with_name("xyd"))
START_TIMEOUT = 60.0


class BankSim:
    """``xyd bank-sim`` in its own process group, listening on a free port."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [XYD, "bank-sim", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env={**os.environ, "XYD_LOG_LEVEL": "WARNING"},
            start_new_session=True,
        )
        self.url = self._read_url()
        self.http = httpx.Client(base_url=self.url, timeout=10, trust_env=False)

    def _read_url(self) -> str:
        assert self.process.stdout is not None
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 0.5)
            if ready:
                line = self.process.stdout.readline().decode().strip()
                if line.startswith("bank-sim listening on "):
                    return line.removeprefix("bank-sim listening on ")
                if not line and self.process.poll() is not None:
                    break
        self.stop()
        pytest.fail("the simulated bank did not start")

    @property
    def webhook(self) -> str:
        return self.url + "/webhook"

    def stats(self) -> dict[str, Any]:
        return dict(self.http.get("/_sim/stats").json())

    def events(self) -> dict[str, dict[str, Any]]:
        return {e["id"]: e for e in self.http.get("/_sim/events").json()["data"]}

    def behave(self, **changes: Any) -> None:
        self.http.post("/_sim/behaviour", json=changes).raise_for_status()

    def use_secrets(self, *secrets: str) -> None:
        self.http.post("/_sim/secrets", json={"secrets": list(secrets)}).raise_for_status()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)


@pytest.fixture(scope="session")
def bank_sim() -> Iterator[BankSim]:
    """One simulated bank for the session; tests set its secrets and behaviour themselves."""
    bank = BankSim("--secret", "whsec_placeholder")
    yield bank
    bank.stop()


@pytest.fixture
def bank(bank_sim: BankSim) -> Iterator[BankSim]:
    """The session's bank, behaving well at the start of each test."""
    bank_sim.behave(fail_share=0.0, delay_ms=0, down_now=False, down_from=None, down_for=0)
    yield bank_sim
    bank_sim.behave(fail_share=0.0, delay_ms=0, down_now=False, down_from=None, down_for=0)
