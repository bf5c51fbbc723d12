"""Browser tests: the system Chromium, driven by Playwright, against a real ``xyd serve``.

Each test session (each pytest-xdist worker) builds a small demo city in an embedded SQLite
database, serves it on a free port and gives each test's browser context its address as the
``base_url``. The bank's and the admin's stories run on a second server (``story_server``) over
a city that trains a model, built once per run and served by each worker from its own copy.
Every test that uses a page is marked ``browser`` and ``slow``, runs once per viewport (desktop
and phone), and fails when the page logs a console error (a script or style the CSP blocked,
a broken file).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Page

from app.core.clock import city_zone
from tests.clock import CityClock, city_small_hours
from tests.conftest import unavailable
from tests.workers import free_port

XYD = str(Path(sys.executable).with_name("xyd"))
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
AXE = Path(__file__).with_name("vendor") / "axe.min.js"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
INSTALL_CHROMIUM = "apt-get update && apt-get install -y chromium fonts-noto-cjk"
DEMO_PASSWORD = "xyd-demo-2026"  # README's demo accounts
# Small enough to build in seconds: no model trains on 300 firms, so the banks chapter has no
# whitelist to deliver and finishes at once; the pages of today need only accounts and firms.
DEMO_ARGS = ("--enterprises", "300", "--months", "24")
# The bank's and the admin's stories need a model, so leads and a candidate: the smallest city
# that trains (600 firms have a validation set without a default; 24 months, no labelled month
# old enough to train on), with no simulated bank to answer the leads before a person does.
STORY_DEMO_ARGS = ("--enterprises", "1000", "--months", "36", "--no-simulated-banks")
STORY_CANDIDATE_MONTHS = "24"
START_TIMEOUT = 60.0
BLOCKING_IMPACTS = ("serious", "critical")
BROWSER_FIXTURES = {"page", "context", "live_server", "story_server"}


@dataclass(frozen=True)
class Viewport:
    name: str
    width: int
    height: int
    mobile: bool


VIEWPORTS = (Viewport("desktop", 1366, 768, False), Viewport("phone", 390, 844, True))


def chromium_path() -> str:
    """The browser the tests launch: ``XYD_TEST_CHROMIUM`` or Debian's ``/usr/bin/chromium``."""
    return os.environ.get("XYD_TEST_CHROMIUM") or DEFAULT_CHROMIUM


def require_chromium() -> str:
    """The browser's path; fails in CI and skips elsewhere when it is not an executable."""
    path = chromium_path()
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        unavailable(f"Chromium at {path}", INSTALL_CHROMIUM, state="is not installed; run")
    return path


def pytest_itemcollected(item: pytest.Item) -> None:
    """Whatever drives a page here is marked, so ``-m "not slow"`` leaves all of it out."""
    if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
        item.add_marker(pytest.mark.browser)
        item.add_marker(pytest.mark.slow)
        # one pytest-xdist worker takes every browser test (`--dist loadgroup`, Makefile), so
        # the story city and the live server are built once, not once per worker
        item.add_marker(pytest.mark.xdist_group("browser"))


# --- the server -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LiveServer:
    url: str
    database: Path

    def display_name(self, username: str) -> str:
        """The name the pages show for ``username``, as the demo stored it."""
        with closing(sqlite3.connect(self.database)) as connection:
            row = connection.execute(
                "SELECT display_name FROM users WHERE username = ?", (username,)
            ).fetchone()
        assert row, f"the demo has no user {username}"
        return str(row[0])

    def role(self, username: str) -> str:
        """The demo user's role (``office``, ``enterprise`` …)."""
        with closing(sqlite3.connect(self.database)) as connection:
            row = connection.execute(
                "SELECT role FROM users WHERE username = ?", (username,)
            ).fetchone()
        assert row, f"the demo has no user {username}"
        return str(row[0])

    def count(self, table: str) -> int:
        with closing(sqlite3.connect(self.database)) as connection:
            return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608


def _server_env(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XYD_")}
    env.update(
        XYD_ENV="development",
        XYD_DATABASE_URL=f"sqlite:///{folder / 'browser.db'}",
        XYD_DATA_DIR=str(folder / "data"),
        XYD_BROKER_URL="",  # background work runs in the server process
        XYD_SECRET_KEY=os.environ.get("XYD_SECRET_KEY", "browser-test-secret-key-0123456789abc"),
        XYD_LOG_LEVEL="WARNING",
    )
    return env


def _run(env: dict[str, str], *args: str, log: Path) -> None:
    with log.open("ab") as out:
        result = subprocess.run(
            [XYD, *args], env=env, stdout=out, stderr=subprocess.STDOUT, timeout=300, check=False
        )
    if result.returncode != 0:
        pytest.fail(f"xyd {' '.join(args)} failed:\n{_tail(log)}", pytrace=False)


def _tail(log: Path, lines: int = 30) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz", timeout=2, trust_env=False).status_code == 200
    except httpx.HTTPError:
        return False


@contextmanager
def _serving(env: dict[str, str], log: Path) -> Iterator[str]:
    """``xyd serve`` on a free port with ``env``, until the block ends; its URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log.open("ab") as out:
        server = subprocess.Popen(
            [XYD, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _healthy(url):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"xyd serve did not answer /healthz:\n{_tail(log)}", pytrace=False)
            time.sleep(0.2)
        yield url
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=10)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """``xyd serve`` on a free port over a demo city built once for this session (or worker)."""
    require_chromium()  # no city is built for tests that would skip anyway
    folder = tmp_path_factory.mktemp("browser-server")
    env = _server_env(folder)
    log = folder / "xyd.log"
    _run(env, "db", "upgrade", log=log)
    _run(env, "demo", *DEMO_ARGS, log=log)
    with _serving(env, log) as url:
        yield LiveServer(url=url, database=folder / "browser.db")


@dataclass(frozen=True)
class StoryServer(LiveServer):
    """A server whose clock reads the city's small hours, ``offset`` from the real time."""

    offset: timedelta = timedelta(0)

    def today(self) -> date:
        """The city's date on the server's clock: the day a business date defaults to."""
        return (datetime.now(UTC) + self.offset).astimezone(city_zone()).date()


def _story_city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, timedelta]:
    """The story city's folder, built once per run whatever the number of xdist workers (the
    first to take the lock builds it, the others wait and reuse it), and its clock's offset."""
    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    city = root / "story-city"
    with (root / "story-city.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, or the worker dies
        built = city / "clock-offset"
        if not built.exists():
            shutil.rmtree(city, ignore_errors=True)
            city.mkdir()
            start = city_small_hours()
            clock = CityClock(start=start, offset=start - datetime.now(UTC))
            env = clock.env(_server_env(city))
            log = city / "xyd.log"
            _run(env, "db", "upgrade", log=log)
            _run(env, "demo", *STORY_DEMO_ARGS, log=log)
            _run(env, "leads", "route", log=log)
            _run(env, "model", "train", "--months", STORY_CANDIDATE_MONTHS, log=log)
            built.write_text(f"{clock.offset.total_seconds():.6f}")
        return city, timedelta(seconds=float(built.read_text()))


@pytest.fixture(scope="session")
def story_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StoryServer]:
    """``xyd serve`` over a city big enough to train on, for the bank's and the admin's stories.

    Its clock runs from 01:00 Beijing time, when the UTC date is still yesterday's, so every
    business date the pages show or default to must be the city's. The demo trains, promotes
    and scores, refreshes the whitelist and publishes the banks' products but lets no simulated
    bank answer; ``xyd leads route`` then offers the whitelisted needs, so the banks' inboxes
    hold real offered leads, and ``xyd model train`` registers a second version, a candidate
    the admin can promote. The city is built once per run (``_story_city``); each worker
    serves a copy of its own, on the same moved clock, so workers never answer the same lead.
    A test that changes the city (accepts a lead, promotes a model) leaves another for its next
    run: the phone run takes the next lead and promotes the model the desktop run retired.
    """
    require_chromium()
    city, offset = _story_city(tmp_path_factory)
    folder = tmp_path_factory.mktemp("story-server")
    shutil.copytree(city, folder, dirs_exist_ok=True)  # the model files stay read in the city's
    env = CityClock(start=datetime.now(UTC) + offset, offset=offset).env(_server_env(folder))
    with _serving(env, folder / "xyd.log") as url:
        yield StoryServer(url=url, database=folder / "browser.db", offset=offset)


# --- Playwright (pytest-playwright's fixtures, pointed at the server and the system browser) ---


@pytest.fixture(scope="session")
def base_url() -> None:
    """None for pytest-playwright's context arguments: each test's context is given the address
    of its own server (``context``), the demo's or the stories'."""
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    # Playwright's own browser download needs the internet; Debian's Chromium does not.
    return {**browser_type_launch_args, "executable_path": require_chromium()}


@pytest.fixture(params=VIEWPORTS, ids=[v.name for v in VIEWPORTS])
def viewport(request: pytest.FixtureRequest) -> Viewport:
    chosen: Viewport = request.param
    return chosen


@pytest.fixture
def context(new_context: Any, viewport: Viewport, request: pytest.FixtureRequest) -> BrowserContext:
    """A fresh context at the test's viewport, on the test's server (``story_server`` when it
    asks for it, else ``live_server``); the app's CSP is enforced, never bypassed."""
    wanted = "story_server" if "story_server" in request.fixturenames else "live_server"
    server: LiveServer = request.getfixturevalue(wanted)
    created: BrowserContext = new_context(
        base_url=server.url,
        viewport={"width": viewport.width, "height": viewport.height},
        is_mobile=viewport.mobile,
        has_touch=viewport.mobile,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
    )
    created.set_default_timeout(15_000)
    return created


@pytest.fixture
def console_errors() -> list[str]:
    """What the test's page logged as errors so far; left non-empty, it fails the test."""
    return []


@pytest.fixture
def page(context: BrowserContext, console_errors: list[str]) -> Iterator[Page]:
    """A page whose console errors (CSP refusals, failed scripts) fail the test."""
    opened = context.new_page()

    def record(message: ConsoleMessage) -> None:
        if message.type == "error" and not _expected_error(message, document=opened.url):
            console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    opened.on("console", record)
    opened.on("pageerror", lambda error: console_errors.append(f"uncaught: {error}"))
    yield opened
    if console_errors:
        pytest.fail("浏览器控制台报错：\n" + "\n".join(console_errors), pytrace=False)


def _expected_error(message: ConsoleMessage, *, document: str) -> bool:
    """Chromium logs every HTTP error status. The page's own document may answer one on purpose
    (401 after a wrong password, 403 for a refused role: the stories check those statuses), and
    the site has no icon yet (Chromium asks for /favicon.ico by itself). A style sheet, script
    or image that fails to load still fails the test."""
    url = message.location.get("url", "")
    if not message.text.startswith("Failed to load resource"):
        return False
    return url == document or (url.endswith("/favicon.ico") and "status of 404" in message.text)


# --- helpers for the stories ------------------------------------------------------------------


def open_menu_link(page: Page, name: str) -> None:
    """Follow a navigation link as a person would: on a phone, open 菜单 first."""
    link = page.get_by_role("navigation", name="主导航").get_by_role("link", name=name)
    if not link.is_visible():
        page.locator("label.menu-button").click()
    link.click()


def login(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the login form as a person would, and wait for the page that follows."""
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()


def artifact_name(request: pytest.FixtureRequest) -> str:
    """``<test>[-<other params>]-<viewport>``: one screenshot per test and viewport."""
    node = request.node
    params = dict(getattr(getattr(node, "callspec", None), "params", {}))
    shown = params.pop("viewport", None)
    params.pop("browser_name", None)
    parts = [node.originalname, *(str(v) for v in params.values())]
    if shown is not None:
        parts.append(shown.name)
    return re.sub(r"[^\w.-]+", "_", "-".join(parts))


@pytest.fixture
def screenshot(page: Page, request: pytest.FixtureRequest) -> Any:
    """Save the page as ``test-artifacts/browser/<test>-<viewport>[-<step>].png``; its path."""

    def take(step: str = "") -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{artifact_name(request)}{'-' + step if step else ''}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 0
        return path

    return take


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core in the page. Evaluated through the DevTools protocol, which the page's CSP
    does not govern, so the check needs no ``bypass_csp`` and the app's own policy stays tested."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return list(result)


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        targets = [" ".join(map(str, node["target"])) for node in v["nodes"][:3]]
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} → {', '.join(targets)}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """Fail on any axe-core violation of impact serious or critical, naming rule and elements."""
    blocking = [v for v in axe_violations(page) if v.get("impact") in BLOCKING_IMPACTS]
    assert not blocking, f"无障碍检查未通过（{page.url}）：\n{describe(blocking)}"


def assert_fits_width(page: Page) -> None:
    """Nothing on the page sticks out sideways: a phone user never scrolls the whole page."""
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"页面比屏幕宽（{json.dumps(widths)}）：{page.url}"
