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
from app.audit.models import AuditEvent
from app.audit.service import SystemActor
from app.enterprises.models import Enterprise
from tests.factories import make_user
from tests.pages.helpers import post_form, sign_in
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


def policy_form(client: TestClient, **fields: str | list[str]) -> dict[str, str | list[str]]:
    """The change form as the page prefills it, with ``fields`` typed over it."""
    page = client.get("/whitelist/policy").text

    def number(name: str) -> str:
        found = re.search(rf'name="{name}"[^>]*value="(\d+)"', page)
        assert found, name
        return found.group(1)

    def ticked(name: str) -> list[str]:
        return re.findall(rf'name="{name}" value="(\w+)" checked', page)

    values: dict[str, str | list[str]] = {
        "min_operating_months": number("min_operating_months"),
        "demand_window_days": number("demand_window_days"),
        "allowed_grades": ticked("allowed_grades"),
        "disqualifying_lists": ticked("disqualifying_lists"),
        "note": "",
    }
    return {**values, **fields}


def test_the_change_form_is_prefilled_with_the_policy_in_force(
    client: TestClient, db: Session, office: None
) -> None:
    current = policy_service.current(db)
    form = policy_form(client)
    assert form["min_operating_months"] == str(current.min_operating_months)
    assert form["demand_window_days"] == str(current.demand_window_days)
    assert form["allowed_grades"] == list(current.allowed_grades)
    assert form["disqualifying_lists"] == list(current.disqualifying_lists)
    page = client.get("/whitelist/policy").text
    for label in ("最短经营时间", "允许的信用等级", "融资需求期限", "不得入选", "调整原因"):
        assert label in page


def test_office_changes_the_policy_from_the_page_and_it_is_audited(
    client: TestClient, db: Session
) -> None:
    person = make_user(db, Role.OFFICE)
    sign_in(client, person)
    before = policy_service.current(db).version
    fields = policy_form(
        client,
        min_operating_months="24",
        allowed_grades=["A", "B"],
        demand_window_days="90",
        disqualifying_lists=[],
        note="收紧经营年限",
    )
    answer = post_form(client, "/whitelist/policy", fields, form_page="/whitelist/policy")
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/whitelist/policy?changed={before + 1}"
    new = policy_service.current(db)
    assert (new.version, new.min_operating_months, new.demand_window_days) == (before + 1, 24, 90)
    assert list(new.allowed_grades) == ["A", "B"] and list(new.disqualifying_lists) == []
    assert new.note == "收紧经营年限" and new.created_by == f"user:{person.id}"
    shown = client.get(answer.headers["location"]).text
    assert "白名单政策已调整为" in shown and f'href="#policy-{before + 1}"' in shown
    assert f'id="policy-{before + 1}"' in shown
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "whitelist_policy.changed")).one()
    assert event.actor == f"user:{person.id}" and event.subject_id == str(before + 1)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"min_operating_months": "abc"}, "min_operating_months", "请填写整数"),
        ({"min_operating_months": "1e3"}, "min_operating_months", "请填写整数"),
        ({"min_operating_months": "-1"}, "min_operating_months", "不能小于 0"),
        ({"min_operating_months": "601"}, "min_operating_months", "不能大于 600"),
        ({"min_operating_months": ""}, "min_operating_months", "请填写此项"),
        ({"min_operating_months": "9" * 40}, "min_operating_months", "不能大于 600"),
        ({"demand_window_days": "0"}, "demand_window_days", "不能小于 1"),
        ({"demand_window_days": "3651"}, "demand_window_days", "不能大于 3650"),
        ({"demand_window_days": "  "}, "demand_window_days", "请填写此项"),
        ({"allowed_grades": []}, "allowed_grades", "至少选择 1 项"),
        ({"allowed_grades": ["Z"]}, "allowed_grades", "信用等级只能是 A–E"),
        ({"allowed_grades": ["A", "<script>"]}, "allowed_grades", "信用等级只能是 A–E"),
        ({"disqualifying_lists": ["made_up"]}, "disqualifying_lists", "不认识的名单"),
        ({"note": "长" * 501}, "note", "不能超过 500 个字符"),
    ],
)
def test_a_bad_policy_form_says_why_beside_the_field_and_changes_nothing(
    client: TestClient,
    db: Session,
    office: None,
    fields: dict[str, str | list[str]],
    field: str,
    message: str,
) -> None:
    before = policy_service.current(db).version
    form = policy_form(client, **fields)
    answer = post_form(client, "/whitelist/policy", form, form_page="/whitelist/policy")
    assert answer.status_code == 422
    assert re.search(rf'id="{field}-error" role="alert">[^<]*{re.escape(message)}', answer.text)
    assert "<script>" not in answer.text
    assert not re.search(r"unknown|Value error|Input should", answer.text)
    assert policy_service.current(db).version == before
    assert not db.exec(
        select(AuditEvent).where(AuditEvent.action == "whitelist_policy.changed")
    ).all()


def test_the_policy_form_needs_its_token(client: TestClient, db: Session, office: None) -> None:
    before = policy_service.current(db).version
    answer = client.post("/whitelist/policy", data=policy_form(client, min_operating_months="1"))
    assert answer.status_code == 403
    assert policy_service.current(db).version == before


def test_refresh_from_the_page_makes_a_version_and_links_it(
    client: TestClient, db: Session, qualified: Make
) -> None:
    person = make_user(db, Role.OFFICE)
    sign_in(client, person)
    qualified()
    db.commit()
    assert 'action="/whitelist/refresh"' in client.get("/whitelist/policy").text
    answer = post_form(client, "/whitelist/refresh", {}, form_page="/whitelist/versions")
    assert (answer.status_code, answer.headers["location"]) == (
        303,
        "/whitelist/versions?refreshed=1",
    )
    shown = client.get(answer.headers["location"]).text
    assert "白名单已刷新" in shown and 'href="/whitelist/versions/1"' in shown
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "whitelist.refreshed")).one()
    assert event.actor == f"user:{person.id}" and event.subject_id == "1"
    again = post_form(client, "/whitelist/refresh", {}, form_page="/whitelist/versions")
    assert again.headers["location"] == "/whitelist/versions?unchanged=1"
    assert "没有企业入选或退出" in client.get(again.headers["location"]).text


def test_refresh_without_a_champion_or_its_scores_is_told_in_chinese(
    client: TestClient, db: Session, office: None, request: pytest.FixtureRequest
) -> None:
    no_model = post_form(client, "/whitelist/refresh", {}, form_page="/whitelist/versions")
    assert no_model.status_code == 404 and "尚无在用的评分模型" in no_model.text
    request.getfixturevalue("champion")  # a champion that has scored nobody yet
    db.commit()
    unscored = post_form(client, "/whitelist/refresh", {}, form_page="/whitelist/versions")
    assert unscored.status_code == 409 and "请先运行评分" in unscored.text
    assert "champion" not in unscored.text
    assert not db.exec(select(AuditEvent).where(AuditEvent.action == "whitelist.refreshed")).all()


@pytest.mark.parametrize(
    "path",
    [
        "/whitelist/policy?changed=abc",
        "/whitelist/policy?changed=0",
        "/whitelist/versions?refreshed=99999999999999",
        "/whitelist/versions?unchanged=<b>",
    ],
)
def test_hostile_notice_numbers_get_a_chinese_error_page(
    client: TestClient, office: None, path: str
) -> None:
    page = client.get(path)
    assert page.status_code == 422 and "填写有误" in page.text and "<b>" not in page.text
