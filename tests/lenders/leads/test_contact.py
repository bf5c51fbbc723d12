"""The enterprise's contact for its lead's bank: only while a grant covers that bank."""

from __future__ import annotations

from sqlmodel import Session

from app.audit.service import SystemActor
from app.consent import service as consent_service
from lenders.leads import contact
from tests.factories import (
    make_application,
    make_authorization,
    make_enterprise,
    make_lead,
    make_lender,
    make_product,
)

ACTOR = SystemActor("test")


def test_the_registry_phone_while_the_grant_covers_the_bank(db: Session) -> None:
    bank, other = make_lender(db), make_lender(db)
    firm = make_enterprise(db, contact_phone="13812345678")
    lead = make_lead(db, make_application(db, firm), make_product(db, bank), bank)
    assert contact.for_bank(db, lead=lead) is None  # no grant at all
    make_authorization(db, firm.uscc, lender_codes=[other.code])
    assert contact.for_bank(db, lead=lead) is None  # a grant to another bank only
    grant = make_authorization(db, firm.uscc, lender_codes=[bank.code])
    found = contact.for_bank(db, lead=lead)
    assert found is not None and found.phone == "13812345678"
    assert found.authorization_id == grant.id
    assert grant.id is not None
    consent_service.revoke(db, uscc=firm.uscc, authorization_id=grant.id, reason=None, actor=ACTOR)
    assert contact.for_bank(db, lead=lead) is None


def test_none_when_the_registry_holds_no_phone(db: Session) -> None:
    bank = make_lender(db)
    firm = make_enterprise(db)
    make_authorization(db, firm.uscc, lender_codes=[bank.code])
    lead = make_lead(db, make_application(db, firm), make_product(db, bank), bank)
    assert firm.contact_phone is None and contact.for_bank(db, lead=lead) is None
