"""企业库 for the finance office: filters, search by code or name, grade and whitelist columns."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role
from app.audit.service import SystemActor
from app.enterprises.models import Enterprise
from scoring.scores.models import Score
from tests.factories import make_enterprise, make_user, valid_uscc
from tests.pages.helpers import sign_in
from whitelist.refresh import refresh

Make = Callable[..., Enterprise]


@pytest.fixture
def office(db: Session, client: TestClient) -> None:
    sign_in(client, make_user(db, Role.OFFICE))


def codes_on(page: str) -> set[str]:
    return set(re.findall(r'<a href="/enterprises/([0-9A-Z]{18})">', page))


def test_search_by_name_substring_and_by_code_prefix_or_exact(
    client: TestClient, db: Session, office: None
) -> None:
    heng = make_enterprise(db, name="湖州恒兴机械有限公司")
    other = make_enterprise(db, name="安吉竹业合作社")
    by_name = client.get("/enterprises", params={"q": "恒兴"})
    assert by_name.status_code == 200 and codes_on(by_name.text) == {heng.uscc}
    assert 'value="恒兴"' in by_name.text  # the search box keeps what was asked
    assert codes_on(client.get("/enterprises", params={"q": heng.uscc}).text) == {heng.uscc}
    lower = heng.uscc[:10].lower()  # a code prefix, typed in lower case with spaces around
    assert heng.uscc in codes_on(client.get("/enterprises", params={"q": f" {lower} "}).text)
    both = client.get("/enterprises", params={"q": ""}).text  # blank means all
    assert {heng.uscc, other.uscc} <= codes_on(both)
    assert codes_on(client.get("/enterprises", params={"q": "没有这家"}).text) == set()


@pytest.mark.parametrize(
    "hostile",
    ["%", "_", "\\", "' OR 1=1 --", "<script>alert(1)</script>", "恒" * 101, "a\x00b", "\x1b[2J"],
    ids=["percent", "underscore", "backslash", "sql", "script", "too-long", "nul", "escape"],
)
def test_hostile_search_text_matches_nothing_or_is_refused_and_never_runs(
    client: TestClient, db: Session, office: None, hostile: str
) -> None:
    firm = make_enterprise(db, name="湖州恒兴机械有限公司")
    page = client.get("/enterprises", params={"q": hostile})
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text
    found = codes_on(page.text)
    if len(hostile) > 100 or any(ord(c) < 32 for c in hostile):
        assert "筛选条件有误" in page.text and firm.uscc in found  # refused: everything shown
    else:
        assert found == set()  # a LIKE wildcard is matched literally, nothing is injected


def test_status_filter_and_any_subset_of_filters(
    client: TestClient, db: Session, office: None
) -> None:
    active = make_enterprise(db, district="330502", uscc=valid_uscc(district="330502"))
    gone = make_enterprise(
        db, district="330502", status="deregistered", uscc=valid_uscc(district="330502")
    )
    elsewhere = make_enterprise(db, district="330503", uscc=valid_uscc(district="330503"))
    listed = codes_on(client.get("/enterprises", params={"status": "deregistered"}).text)
    assert gone.uscc in listed and active.uscc not in listed
    both = client.get(
        "/enterprises",
        params={"district": "330502", "status": "active", "q": "", "entity_type": ""},
    ).text
    assert active.uscc in codes_on(both) and not {gone.uscc, elsewhere.uscc} & codes_on(both)
    assert '<option value="deregistered" selected>' in client.get(
        "/enterprises?status=deregistered"
    ).text.replace("  ", " ")


def test_a_bad_status_shows_everything_with_a_notice(
    client: TestClient, db: Session, office: None
) -> None:
    firm = make_enterprise(db)
    page = client.get("/enterprises", params={"status": "bankrupt"})
    assert page.status_code == 200 and "筛选条件有误" in page.text and firm.uscc in page.text


def test_paging_keeps_the_filters(client: TestClient, db: Session, office: None) -> None:
    for _ in range(3):
        make_enterprise(db, name="恒兴分号", district="330503", uscc=valid_uscc(district="330503"))
    make_enterprise(db, name="恒兴总号", district="330502")
    first = client.get("/enterprises", params={"q": "恒兴", "district": "330503", "limit": 2})
    assert "共 3 户" in first.text
    link = re.search(r'href="(\?offset=2[^"]*)"', first.text)
    assert link, first.text
    target = link.group(1).replace("&amp;", "&")
    assert "q=%E6%81%92%E5%85%B4" in target and "district=330503" in target
    second = client.get("/enterprises" + target)
    assert len(codes_on(second.text)) == 1 and "第 3–3 条，共 3 条" in second.text


def test_grade_and_whitelist_columns(
    client: TestClient, db: Session, office: None, qualified: Make
) -> None:
    member = qualified(name="湖州名单内企业")
    refresh(db, actor=SystemActor("test"))
    unscored = make_enterprise(db, name="湖州未评分企业")
    # a later score wins over an earlier one
    db.add(
        Score(uscc=member.uscc, as_of=date(2026, 12, 1), model_name="m-later", pd=0.2,
              points=480, grade="D", reasons=[])
    )  # fmt: skip
    db.commit()
    page = client.get("/enterprises").text
    row_of = {code: row for row in page.split("<tr>") for code in codes_on(row)}
    assert "D 较差" in row_of[member.uscc] and "在名单" in row_of[member.uscc]
    assert "未评分" in row_of[unscored.uscc] and "在名单" not in row_of[unscored.uscc]


def test_data_operator_and_admin_see_it_an_enterprise_does_not(
    client: TestClient, db: Session
) -> None:
    firm = make_enterprise(db)
    for role in (Role.DATA_OPERATOR, Role.ADMIN):
        sign_in(client, make_user(db, role))
        assert client.get("/enterprises").status_code == 200
    sign_in(client, make_user(db, Role.ENTERPRISE, uscc=firm.uscc))
    assert client.get("/enterprises").status_code == 403
