"""Every link a role's navigation shows opens a page that role may see: no dead links."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role
from app.pages import navigation
from tests.factories import make_enterprise, make_lender, make_user
from tests.pages.helpers import sign_in

PEOPLE = [role for role in navigation.NAVIGATION if role is not Role.LENDER_CLIENT]


@pytest.mark.parametrize("role", PEOPLE, ids=lambda role: role.value)
def test_every_navigation_link_of_a_role_opens(role: Role, client: TestClient, db: Session) -> None:
    bound: dict[str, object] = {}
    if role is Role.ENTERPRISE:
        bound["uscc"] = make_enterprise(db).uscc
    if role is Role.LENDER_USER:
        bound["lender_id"] = make_lender(db).id
    sign_in(client, make_user(db, role, **bound))
    links = navigation.NAVIGATION[role]
    assert links, f"{role.value} has no navigation"
    for link in links:
        page = client.get(link.href)
        assert page.status_code == 200, (
            f"{role.value}: {link.label} {link.href} → {page.status_code}"
        )
    home = navigation.ROLE_HOME[role]
    assert client.get(home, follow_redirects=True).status_code == 200, home


def test_a_visitor_sees_registration_and_the_api_docs(client: TestClient) -> None:
    for link in navigation.PUBLIC:
        assert client.get(link.href).status_code == 200, link.href
