"""SQLite's one write lock: reads and password checks never wait for it, writers still queue.

A real server on a real file, so every request has its own connection as in `make run`.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass

import httpx
import pytest
import uvicorn

from app.accounts import service as account_service
from app.accounts.models import Role
from app.core.db import session_scope
from app.main import create_app
from tests.factories import PASSWORD, make_api_key, make_lender, make_user
from tests.workers import free_port

WRONG_LOGINS = 8


@dataclass
class Live:
    url: str
    database: str
    token: str
    username: str
    api_key: str


@pytest.fixture
def live(committed_database: str) -> Iterator[Live]:
    with session_scope() as session:
        user = make_user(session, Role.OFFICE)
        _, api_key = make_api_key(session, make_lender(session))
        token, username = account_service.issue_token(user), user.username
    port = free_port()
    config = uvicorn.Config(
        create_app(), host="127.0.0.1", port=port, log_config=None, access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    try:
        yield Live(
            url=f"http://127.0.0.1:{port}",
            database=committed_database.removeprefix("sqlite:///"),
            token=token,
            username=username,
            api_key=api_key,
        )
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def _me(live: Live) -> int:
    headers = {"Authorization": f"Bearer {live.token}"}
    return httpx.get(f"{live.url}/api/v1/me", headers=headers, timeout=60).status_code


def _login(live: Live, password: str) -> int:
    form = {"username": live.username, "password": password}
    return httpx.post(f"{live.url}/api/v1/auth/token", data=form, timeout=60).status_code


def test_reads_do_not_wait_for_a_held_write_lock_and_logins_only_to_count_a_failure(
    live: Live,
) -> None:
    writer = sqlite3.connect(live.database, timeout=1)
    writer.isolation_level = None
    writer.execute("BEGIN IMMEDIATE")  # another process is writing, for as long as it likes
    released = False
    with ThreadPoolExecutor(max_workers=WRONG_LOGINS + 1) as pool:
        try:
            logins = [pool.submit(_login, live, "wrong-password") for _ in range(WRONG_LOGINS)]
            me = pool.submit(_me, live)
            assert me.result(timeout=20) == 200  # a read never queues behind a writer
        finally:
            writer.execute("ROLLBACK")
            writer.close()
            released = True
        # A wrong password is verified outside the lock; only recording the failure for the
        # sign-in throttle writes, so each login finishes once the other writer lets go.
        answers = [login.result(timeout=60) for login in logins]
    assert released and set(answers) <= {401, 429} and 401 in answers


def test_get_me_finishes_while_wrong_logins_are_still_running(live: Live) -> None:
    finished: dict[str, float] = {}
    with ThreadPoolExecutor(max_workers=WRONG_LOGINS + 1) as pool:

        def timed(name: str, call: object) -> None:
            assert callable(call)
            call()
            finished[name] = time.monotonic()

        logins = [
            pool.submit(timed, f"login{i}", lambda: _login(live, "wrong-password"))
            for i in range(WRONG_LOGINS)
        ]
        time.sleep(0.05)  # the logins are in flight, verifying passwords
        me = pool.submit(timed, "me", lambda: _me(live))
        wait([me, *logins], timeout=120)
    last_login = max(at for name, at in finished.items() if name.startswith("login"))
    assert finished["me"] < last_login


def test_concurrent_writers_still_never_see_database_is_locked(live: Live) -> None:
    def key_read() -> int:
        headers = {"X-API-Key": live.api_key}  # records last_used_at: a write inside a GET
        return httpx.get(f"{live.url}/api/v1/me", headers=headers, timeout=60).status_code

    def logout() -> int:
        token = httpx.post(
            f"{live.url}/api/v1/auth/token",
            data={"username": live.username, "password": PASSWORD},
            timeout=60,
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        return httpx.post(f"{live.url}/api/v1/auth/logout", headers=headers, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        calls = [pool.submit(logout) for _ in range(6)]
        calls += [pool.submit(_login, live, PASSWORD) for _ in range(6)]
        calls += [pool.submit(key_read) for _ in range(6)]
        statuses = [call.result(timeout=120) for call in calls]
    assert statuses == [204] * 6 + [200] * 12
