"""Load-or-404 with ownership, one loader per object kind: applications, leads, loans, products.

Another owner's object answers exactly as a missing one, so ids reveal nothing. A loader whose
name ends in ``for_update`` locks the row until the request commits; the writes that must apply
one by one use it, reads use the plain one. (Enterprises and lenders: ``app.api.deps``.)
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from sqlmodel import Session

from app.accounts.models import Role
from app.accounts.principal import Principal
from app.api.deps import OptionalPrincipal, SessionDep, require_roles
from app.api.params import PathId
from app.applications import service as application_service
from app.applications.exceptions import ApplicationNotFound
from app.applications.models import FinancingApplication
from app.consent import service as consent_service
from app.core.errors import PermissionDenied
from lenders.institutions import service as lender_service
from lenders.institutions.models import Lender
from lenders.leads import queries as lead_queries
from lenders.leads.exceptions import LeadNotFound
from lenders.leads.models import Lead
from lenders.loans import service as loan_service
from lenders.loans.models import Loan
from lenders.products import service as product_service
from lenders.products.exceptions import ProductNotFound
from lenders.products.models import LoanProduct, ProductStatus

# Banks see applications only through leads; data operators not at all.
ApplicationReader = Annotated[
    Principal, Depends(require_roles(Role.ENTERPRISE, Role.OFFICE, Role.ADMIN))
]
Applicant = Annotated[Principal, Depends(require_roles(Role.ENTERPRISE))]
# A bank's people and its systems act on the bank's own leads, loans and products.
Banker = Annotated[Principal, Depends(require_roles(Role.LENDER_USER, Role.LENDER_CLIENT))]
# Admin reads every lender's products and changes none.
ProductManager = Annotated[
    Principal, Depends(require_roles(Role.LENDER_USER, Role.LENDER_CLIENT, Role.ADMIN))
]
# Retired products stay readable by the staff who supervise the platform.
STAFF = (Role.ADMIN, Role.OFFICE)


def lender_id_of(principal: Principal) -> int:
    """The lender the caller acts for."""
    if principal.lender_id is None:  # the users table forbids it; a clear error all the same
        raise PermissionDenied("this account is not bound to a lender")
    return principal.lender_id


def lender_code_of(session: Session, principal: Principal) -> str:
    """The code of the lender the caller acts for."""
    return lender_service.get(session, lender_id=lender_id_of(principal)).code


# Applications


def _application(
    session: Session, principal: Principal, application_id: int
) -> FinancingApplication:
    application = application_service.get(session, application_id=application_id)
    if principal.role is Role.ENTERPRISE and application.uscc != principal.uscc:
        raise ApplicationNotFound(f"application {application_id} does not exist")
    return application


def get_visible_application(
    session: SessionDep, principal: ApplicationReader, application_id: PathId
) -> FinancingApplication:
    """An application the caller may read: office and admin all (audited), an enterprise its own."""
    application = _application(session, principal, application_id)
    consent_service.authorize_read(
        session, uscc=application.uscc, reader=principal, what="application"
    )
    return application


def get_own_application(
    session: SessionDep, principal: Applicant, application_id: PathId
) -> FinancingApplication:
    """An application the caller may act on: only the enterprise that submitted it."""
    return _application(session, principal, application_id)


VisibleApplication = Annotated[FinancingApplication, Depends(get_visible_application)]
OwnApplication = Annotated[FinancingApplication, Depends(get_own_application)]


# Leads


def get_own_lead(session: SessionDep, principal: Banker, lead_id: PathId) -> Lead:
    """The caller's bank's lead, not locked: an answer moves it by compare-and-set."""
    lead = lead_queries.find(session, lead_id=lead_id)
    if lead is None or lead.lender_code != lender_code_of(session, principal):
        raise LeadNotFound(f"lead {lead_id} does not exist")
    return lead


def get_own_lead_for_update(session: SessionDep, principal: Banker, lead_id: PathId) -> Lead:
    """The caller's bank's lead, locked until the request commits (a disbursement)."""
    return loan_service.get_lead(
        session, lead_id=lead_id, lender_code=lender_code_of(session, principal)
    )


OwnLead = Annotated[Lead, Depends(get_own_lead)]
OwnLeadForUpdate = Annotated[Lead, Depends(get_own_lead_for_update)]


# Loans


def get_own_loan(session: SessionDep, principal: Banker, loan_id: PathId) -> Loan:
    """The caller's bank's loan, to read."""
    code = lender_code_of(session, principal)
    return loan_service.get_for_lender(session, loan_id=loan_id, lender_code=code)


def get_own_loan_for_update(session: SessionDep, principal: Banker, loan_id: PathId) -> Loan:
    """The caller's bank's loan, locked until the request commits: its reports apply in turn."""
    code = lender_code_of(session, principal)
    return loan_service.get_for_lender(session, loan_id=loan_id, lender_code=code, for_update=True)


OwnLoan = Annotated[Loan, Depends(get_own_loan)]
OwnLoanForUpdate = Annotated[Loan, Depends(get_own_loan_for_update)]


# Products


def _missing_product(product_id: int) -> ProductNotFound:
    return ProductNotFound(f"product {product_id} does not exist")


def get_managed_product(
    session: SessionDep, principal: ProductManager, product_id: PathId
) -> tuple[LoanProduct, Lender]:
    """A product the caller manages: its own lender's, or any for admin (read-only)."""
    product, lender = product_service.get(session, product_id=product_id)
    if principal.role is not Role.ADMIN and product.lender_id != lender_id_of(principal):
        raise _missing_product(product_id)
    return product, lender


def get_own_product_for_update(
    session: SessionDep, principal: Banker, product_id: PathId
) -> tuple[LoanProduct, Lender]:
    """The caller's lender's product, locked until the request commits: only it changes it."""
    product, lender = product_service.get(session, product_id=product_id, for_update=True)
    if product.lender_id != lender_id_of(principal):
        raise _missing_product(product_id)
    return product, lender


def get_browsable_product(
    session: SessionDep, principal: OptionalPrincipal, product_id: PathId
) -> tuple[LoanProduct, Lender]:
    """A product on offer for anyone; a retired one only for its lender and staff."""
    product, lender = product_service.get(session, product_id=product_id)
    if product.status is ProductStatus.ACTIVE and lender.is_active:
        return product, lender
    if principal is not None and (
        principal.role in STAFF or principal.is_lender(product.lender_id)
    ):
        return product, lender
    raise _missing_product(product_id)


ManagedProduct = Annotated[tuple[LoanProduct, Lender], Depends(get_managed_product)]
OwnProductForUpdate = Annotated[tuple[LoanProduct, Lender], Depends(get_own_product_for_update)]
BrowsableProduct = Annotated[tuple[LoanProduct, Lender], Depends(get_browsable_product)]
