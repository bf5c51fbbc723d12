"""The simulated bank over real HTTP: verifies like a bank, de-duplicates, misbehaves on cue."""

from __future__ import annotations

import ast
import json
import time
import uuid
from pathlib import Path

import httpx
import pytest

from banksim.behaviour import Behaviour
from banksim.receiver import Receiver
from lenders.delivery.signing import HEADER, sign
from tests.banksim_fixtures import BankSim

ROOT = Path(__file__).resolve().parents[2]
GOLDEN_SECRET = "whsec_test_secret"
GOLDEN_T = 1700000000
GOLDEN_BODY = b'{"id":"evt_1","type":"lead.created"}'
GOLDEN = "60ed53ba79e96e248684e99d6e2447283f8e6912cf39c6fd5022841191419b65"


def event_body(event_id: str | None = None) -> bytes:
    envelope = {
        "id": event_id or uuid.uuid4().hex,
        "type": "lead.created",
        "created_at": "2026-12-01T10:00:00.000000Z",
        "data": {"uscc": "91330502MA2B3C4D5X"},
    }
    return json.dumps(envelope, separators=(",", ":")).encode()


def post(bank: BankSim, body: bytes, *secrets: str, at: int | None = None) -> httpx.Response:
    header = sign(body, *secrets, timestamp=int(time.time()) if at is None else at)
    return bank.http.post("/webhook", content=body, headers={HEADER: header})


def test_golden_vector_is_accepted_and_a_changed_byte_is_not() -> None:
    # A bank whose tolerance reaches back to the golden vector's timestamp (2023).
    golden_bank = BankSim("--secret", GOLDEN_SECRET, "--tolerance", str(10**9))
    try:
        header = {HEADER: f"t={GOLDEN_T},v1={GOLDEN}"}
        assert golden_bank.http.post("/w", content=GOLDEN_BODY, headers=header).status_code == 200
        tampered = GOLDEN_BODY.replace(b"evt_1", b"evt_2")
        answer = golden_bank.http.post("/w", content=tampered, headers=header)
        assert answer.status_code == 401
        assert "matches this body" in answer.json()["error"]
        assert golden_bank.stats()["unique"] == 1
        assert golden_bank.stats()["rejected_signature"] == 1
    finally:
        golden_bank.stop()


def test_stale_and_future_timestamps_are_refused(bank: BankSim) -> None:
    bank.use_secrets("whsec_a")
    body = event_body()
    assert post(bank, body, "whsec_a", at=int(time.time()) - 301).status_code == 401
    assert post(bank, body, "whsec_a", at=int(time.time()) + 301).status_code == 401
    assert post(bank, body, "whsec_a", at=int(time.time()) - 200).status_code == 200


def test_missing_or_wrong_signature_is_refused(bank: BankSim) -> None:
    bank.use_secrets("whsec_a")
    body = event_body()
    assert bank.http.post("/webhook", content=body).status_code == 401
    assert post(bank, body, "whsec_wrong").status_code == 401
    assert bank.events().get(json.loads(body)["id"]) is None


def test_rotation_either_secret_on_either_side(bank: BankSim) -> None:
    # The platform signs with new and old; a bank still holding only the old one accepts.
    bank.use_secrets("whsec_old")
    assert post(bank, event_body(), "whsec_new", "whsec_old").status_code == 200
    # A bank holding both accepts a header signed with the old one alone, and with the new.
    bank.use_secrets("whsec_new", "whsec_old")
    assert post(bank, event_body(), "whsec_old").status_code == 200
    assert post(bank, event_body(), "whsec_new").status_code == 200
    bank.use_secrets("whsec_new")
    assert post(bank, event_body(), "whsec_old").status_code == 401


def test_an_event_is_recorded_once_by_id(bank: BankSim) -> None:
    bank.use_secrets("whsec_a")
    body = event_body()
    before = bank.stats()
    first, again = post(bank, body, "whsec_a"), post(bank, body, "whsec_a")
    after = bank.stats()
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json()["duplicate"] is True
    assert after["unique"] - before["unique"] == 1
    assert after["duplicates"] - before["duplicates"] == 1
    assert bank.events()[json.loads(body)["id"]]["data"] == {"uscc": "91330502MA2B3C4D5X"}


def test_failures_on_cue_are_not_acknowledged(bank: BankSim) -> None:
    bank.use_secrets("whsec_a")
    bank.behave(fail_share=1.0)
    body = event_body()
    assert post(bank, body, "whsec_a").status_code == 500
    assert json.loads(body)["id"] not in bank.events()
    bank.behave(fail_share=0.0)
    assert post(bank, body, "whsec_a").status_code == 200


def test_downtime_answers_503_or_resets_then_recovers(bank: BankSim) -> None:
    bank.use_secrets("whsec_a")
    bank.behave(down_now=True)
    assert post(bank, event_body(), "whsec_a").status_code == 503
    bank.behave(down_mode="reset")
    with pytest.raises(httpx.TransportError):
        post(bank, event_body(), "whsec_a")
    bank.behave(down_now=False, down_mode="503", down_from=0, down_for=1.0)
    assert post(bank, event_body(), "whsec_a").status_code == 503
    time.sleep(1.1)
    assert post(bank, event_body(), "whsec_a").status_code == 200


def test_a_bad_control_request_is_refused(bank: BankSim) -> None:
    assert bank.http.post("/_sim/behaviour", json={"fail_share": 2}).status_code == 400
    assert bank.http.post("/_sim/behaviour", json={"nonsense": 1}).status_code == 400
    assert bank.stats()["behaviour"]["fail_share"] == 0.0


def test_the_failure_share_is_seeded_and_close_to_the_setting() -> None:
    def failures(seed: int) -> list[bool]:
        receiver = Receiver(secrets=["whsec_a"], behaviour=Behaviour(fail_share=0.3, seed=seed))
        return [receiver.behaviour.draw_failure() for _ in range(2000)]

    assert failures(7) == failures(7)
    assert 0.27 < sum(failures(7)) / 2000 < 0.33


def test_handlers_see_each_new_event_once() -> None:
    seen: list[str] = []
    receiver = Receiver(secrets=["whsec_a"], handlers=[lambda event: seen.append(event["id"])])
    body = event_body("evt-handler")
    for _ in range(2):
        reply = receiver.receive(
            signature=sign(body, "whsec_a", timestamp=int(time.time())), body=body
        )
        assert reply.status == 200
    assert seen == ["evt-handler"]


def imported_modules(package: str) -> set[str]:
    found: set[str] = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
    return found


def test_the_platform_never_imports_the_simulator() -> None:
    for package in ("app", "lenders", "scoring", "whitelist"):
        assert not {m for m in imported_modules(package) if m.split(".")[0] == "banksim"}, package


def test_the_simulator_uses_only_the_signing_code_of_the_platform() -> None:
    platform = {"app", "lenders", "scoring", "whitelist"}
    used = {m for m in imported_modules("banksim") if m.split(".")[0] in platform}
    assert used <= {"lenders.delivery.signing", "lenders.delivery.exceptions"}
