"""金融办's whitelist pages: the policy and its versions, the list's versions, changes, members."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Role
from app.applications import service as application_service
from app.applications.models import FinancingApplication
from app.audit.service import SystemActor
from app.enterprises.models import Enterprise
from tests.factories import make_user
from tests.pages.helpers import sign_in
from tests.whitelist_fixtures import score
from whitelist import policy as policy_service
from whitelist.policy import PolicyChange
from whitelist.refresh import refresh

ACTOR = SystemActor("test")
Make = Callable[..., Enterprise]


@pytest.fixture
def office(db: Session, client: TestClient) -> None:
    sign_in(client, make_user(db, Role.OFFICE))


def two_versions(db: Session, qualified: Make) -> tuple[Enterprise, Enterprise, Enterprise]:
    """Version 1 with ``stays`` and ``leaves``; version 2 where ``leaves`` exits on its grade
    and ``joins`` joins."""
    stays, leaves = qualified(), qualified()
    refresh(db, actor=ACTOR)
    score(db, leaves.uscc, "D")
    joins = qualified()
    refresh(db, actor=ACTOR)
    db.commit()
    return stays, leaves, joins


def test_policy_page_shows_the_thresholds_in_force_and_every_version(
    client: TestClient, db: Session, office: None
) -> None:
    policy_service.change(
        db, data=PolicyChange(min_operating_months=24, note="收紧经营年限"), actor=ACTOR
    )
    db.commit()
    page = client.get("/whitelist/policy")
    assert page.status_code == 200
    text = page.text
    assert "第 2 版" in text and "不少于 24 个月" in text and "收紧经营年限" in text
    assert "第 1 版" in text and "（现行）" in text  # the history lists the first one too
    assert "失信被执行人名单" in text  # list codes are shown by their Chinese names
    assert 'href="/whitelist/versions"' in text


def test_versions_list_and_a_version_with_its_changes_reasons_and_export_link(
    client: TestClient, db: Session, office: None, qualified: Make
) -> None:
    _stays, leaves, joins = two_versions(db, qualified)
    listing = client.get("/whitelist/versions").text
    assert "第 1 版" in listing and "第 2 版" in listing
    assert 'href="/api/v1/whitelist/versions/2/export"' in listing
    version = client.get("/whitelist/versions/2")
    assert version.status_code == 200
    assert leaves.uscc in version.text and joins.uscc in version.text
    assert "信用等级未达要求" in version.text  # the exit's reason code, in Chinese
    exits = client.get("/whitelist/versions/2", params={"kind": "exit"}).text
    assert leaves.uscc in exits and joins.uscc not in exits


def test_the_export_link_works_with_the_page_session(
    client: TestClient, db: Session, office: None, qualified: Make
) -> None:
    qualified()
    refresh(db, actor=ACTOR)
    db.commit()
    workbook = client.get("/api/v1/whitelist/versions/1/export")
    assert workbook.status_code == 200 and workbook.content.startswith(b"PK")


def test_members_of_a_version_are_those_it_left_on_the_list(
    client: TestClient, db: Session, office: None, qualified: Make
) -> None:
    stays, leaves, joins = two_versions(db, qualified)
    first = set(
        re.findall(r"/enterprises/([0-9A-Z]{18})", client.get("/whitelist/versions/1/members").text)
    )
    second = set(
        re.findall(r"/enterprises/([0-9A-Z]{18})", client.get("/whitelist/versions/2/members").text)
    )
    assert first == {stays.uscc, leaves.uscc} and second == {stays.uscc, joins.uscc}
    paged = client.get("/whitelist/versions/2/members", params={"limit": 1}).text
    assert "共 2 户" in paged and len(re.findall(r"<li><a href=\"/enterprises/", paged)) == 1


def test_members_are_shown_by_name_beside_their_code(
    client: TestClient, db: Session, office: None, qualified: Make
) -> None:
    stays, leaves, joins = two_versions(db, qualified)
    page = client.get("/whitelist/versions/2/members").text
    for member in (stays, joins):
        assert f'<a href="/enterprises/{member.uscc}">{member.name}</a>' in page
        assert member.uscc in page
    assert leaves.uscc not in page


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/whitelist/versions/99", 404),
        ("/whitelist/versions/0", 422),
        ("/whitelist/versions/abc", 422),
        ("/whitelist/versions/99999999999999999999", 422),
        ("/whitelist/versions/1?kind=<script>", 422),
        ("/whitelist/versions/1?limit=100000", 422),
        ("/whitelist/versions/1/members?offset=-1", 422),
    ],
)
def test_hostile_version_addresses_get_chinese_error_pages(
    client: TestClient, db: Session, office: None, qualified: Make, path: str, status: int
) -> None:
    qualified()
    refresh(db, actor=ACTOR)
    db.commit()
    page = client.get(path)
    assert page.status_code == status and "<script>" not in page.text
    assert page.headers["content-type"].startswith("text/html")


def test_an_operator_may_not_see_the_whitelist_pages(client: TestClient, db: Session) -> None:
    sign_in(client, make_user(db, Role.DATA_OPERATOR))
    page = client.get("/whitelist/policy")
    assert page.status_code == 403 and "只有金融办和管理员" in page.text


def test_office_navigation_links_the_whitelist_pages(
    client: TestClient, db: Session, office: None
) -> None:
    home = client.get("/enterprises").text
    assert 'href="/whitelist/policy"' in home and 'href="/whitelist/versions"' in home


def test_a_withdrawal_between_refreshes_is_shown_with_its_trigger(
    client: TestClient, db: Session, office: None, qualified: Make
) -> None:
    firm = qualified()
    refresh(db, actor=ACTOR)
    application = db.exec(
        select(FinancingApplication).where(FinancingApplication.uscc == firm.uscc)
    ).one()
    application_service.withdraw(db, application=application, actor=ACTOR, reason="不再需要")
    qualified()
    refresh(db, actor=ACTOR)
    db.commit()
    assert client.get("/whitelist/versions/2/members").text.count(firm.uscc) == 0
