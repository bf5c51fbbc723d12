"""The enterprise's contact (企业联系方式) for the bank holding its lead, while consented.

The platform holds one contact for an enterprise: the phone the registry gives
(``Enterprise.contact_phone``, 企业联系电话), which every other view shows masked. A bank needs
it whole to reach the enterprise about its financing need (无法联系企业 is a decline reason),
so it gets it, unmasked, only while a grant of the enterprise covers that bank. It is read
live, never put into the lead's stored payload or webhook: a revoked grant closes it at once.
"""

from __future__ import annotations

from sqlmodel import Session

from app.consent import service as consent_service
from app.enterprises import service as enterprise_service
from lenders.leads.models import Lead
from lenders.leads.schemas import EnterpriseContact


def for_bank(session: Session, *, lead: Lead) -> EnterpriseContact | None:
    """The contact for ``lead``'s bank while the enterprise's consent covers it, else None.

    The caller has already recorded the read (``consent_service.authorize_bank_read``); the
    grant is asked for again here so that the contact can never outlive it.
    """
    grant = consent_service.covering(session, uscc=lead.uscc, lender_code=lead.lender_code)
    if grant is None:
        return None
    enterprise = enterprise_service.get(session, code=lead.uscc)
    if not enterprise.contact_phone:
        return None
    return EnterpriseContact(phone=enterprise.contact_phone, authorization_id=grant.id)
