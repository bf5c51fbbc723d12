"""Enterprise self-registration (企业注册) and its proof: code, licence, operator decision."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Header, Query, Request, UploadFile
from fastapi.responses import FileResponse

from app.accounts import licences
from app.accounts import registration as registration_service
from app.accounts.exceptions import RegistrationNotFound
from app.accounts.models import RegistrationStatus, VerificationMethod
from app.accounts.registration_schemas import (
    CodeSubmit,
    NoticePublic,
    NoticesPublic,
    RegistrationDecision,
    RegistrationPublic,
    RegistrationsPublic,
    RegistrationStarted,
    RegistrationState,
)
from app.accounts.schemas import EnterpriseSignup, UserPublic
from app.api.client import client_address
from app.api.deps import CurrentPrincipal, DataOperatorPrincipal, PageDep, SessionDep
from app.api.params import PathId
from app.api.problems import problem_schema
from app.core.config import get_settings

router = APIRouter(tags=["registration"])
# Optional in the schema so a missing secret is answered like a wrong one: 404.
TokenHeader = Annotated[
    str | None,
    Header(alias="X-Registration-Token", description="the secret the registration returned"),
]
NEXT_STEPS = {
    VerificationMethod.SMS: "验证码已发送至企业在册联系电话，请在有效期内提交验证码以启用账号",
    VerificationMethod.MANUAL: "请上传营业执照，平台数据运维人员审核通过后账号方可使用",
}


@router.post(
    "/auth/register-enterprise",
    response_model=RegistrationStarted,
    status_code=202,
    responses={
        403: problem_schema("registration_refused"),
        409: problem_schema("username_taken", "account_limit_reached"),
        429: problem_schema("too_many_attempts"),
    },
)
def register_enterprise(
    request: Request, session: SessionDep, data: EnterpriseSignup
) -> RegistrationStarted:
    """An enterprise asks for an account (企业注册); it stays inactive until control is proven."""
    started = registration_service.start_throttled(
        session, data=data, address=client_address(request)
    )
    registration = started.registration
    return RegistrationStarted(
        registration=RegistrationState.model_validate(registration),
        user=UserPublic.model_validate(started.user),
        registration_token=started.token,
        phone_masked=started.enterprise.contact_phone_masked
        if registration.method is VerificationMethod.SMS
        else None,
        next_step=NEXT_STEPS[registration.method],
    )


@router.post(
    "/auth/registrations/{registration_id}/verify",
    response_model=UserPublic,
    responses={
        404: problem_schema("registration_not_found"),
        409: problem_schema("registration_closed"),
        422: problem_schema("wrong_code"),
        429: problem_schema("too_many_attempts"),
    },
)
def verify_code(
    request: Request,
    session: SessionDep,
    registration_id: PathId,
    data: CodeSubmit,
    token: TokenHeader = None,
) -> UserPublic:
    """Submit the SMS code: the account becomes active; wrong codes use up attempts."""
    user = registration_service.verify_throttled(
        session,
        registration_id=registration_id,
        token=token,
        code=data.code,
        address=client_address(request),
    )
    return UserPublic.model_validate(user)


@router.post(
    "/auth/registrations/{registration_id}/resend",
    response_model=RegistrationState,
    responses={
        404: problem_schema("registration_not_found"),
        409: problem_schema("registration_closed"),
        429: problem_schema("too_many_attempts"),
    },
)
def resend_code(
    session: SessionDep, registration_id: PathId, token: TokenHeader = None
) -> RegistrationState:
    """Send a new code to the registry's contact phone; the old code stops working."""
    registration = registration_service.resend_throttled(
        session, registration_id=registration_id, token=token
    )
    return RegistrationState.model_validate(registration)


@router.post(
    "/auth/registrations/{registration_id}/licence",
    response_model=RegistrationState,
    responses={
        404: problem_schema("registration_not_found"),
        409: problem_schema("registration_closed"),
        422: problem_schema("invalid_licence"),
    },
)
def upload_licence(
    session: SessionDep,
    registration_id: PathId,
    file: Annotated[UploadFile, File(description="营业执照: PDF, PNG or JPEG")],
    token: TokenHeader = None,
) -> RegistrationState:
    """Upload the business licence (营业执照) for a data operator to review."""
    registration = registration_service.for_registrant(
        session, registration_id=registration_id, token=token
    )
    # One byte past the limit is enough to refuse; never read a hostile upload whole.
    content = file.file.read(get_settings().registration.licence_max_bytes + 1)
    registration_service.attach_licence(session, registration=registration, content=content)
    return RegistrationState.model_validate(registration)


@router.get("/registrations", response_model=RegistrationsPublic)
def list_registrations(
    session: SessionDep,
    principal: DataOperatorPrincipal,
    page: PageDep,
    status: Annotated[RegistrationStatus | None, Query()] = None,
) -> RegistrationsPublic:
    """Registrations for review, newest first (data operator and admin)."""
    rows, total = registration_service.page(
        session, status=status, offset=page.offset, limit=page.limit
    )
    return RegistrationsPublic(
        data=[RegistrationPublic.model_validate(row) for row in rows], count=total
    )


@router.get(
    "/registrations/{registration_id}/licence",
    response_class=FileResponse,
    responses={404: problem_schema("registration_not_found")},
)
def read_licence(
    session: SessionDep, principal: DataOperatorPrincipal, registration_id: PathId
) -> FileResponse:
    """The uploaded business licence, for the operator deciding the registration."""
    registration = registration_service.get(session, registration_id=registration_id)
    if registration.licence_path is None or registration.licence_type is None:
        raise RegistrationNotFound("该注册申请尚未上传营业执照")
    return FileResponse(
        licences.path_of(registration.licence_path),
        media_type=registration.licence_type,
        headers={"Content-Disposition": "attachment", "X-Content-Type-Options": "nosniff"},
    )


@router.post(
    "/registrations/{registration_id}/decision",
    response_model=RegistrationPublic,
    responses={
        404: problem_schema("registration_not_found"),
        409: problem_schema("registration_closed"),
        422: problem_schema("invalid_licence"),
    },
)
def decide_registration(
    session: SessionDep,
    principal: DataOperatorPrincipal,
    registration_id: PathId,
    data: RegistrationDecision,
) -> RegistrationPublic:
    """Approve (the account becomes active) or reject a registration by licence (audited)."""
    registration = registration_service.decide(
        session,
        registration_id=registration_id,
        approve=data.approve,
        note=data.note,
        actor=principal,
    )
    return RegistrationPublic.model_validate(registration)


@router.get("/me/notices", response_model=NoticesPublic)
def my_notices(session: SessionDep, principal: CurrentPrincipal) -> NoticesPublic:
    """The caller's notices (站内通知), newest first: e.g. someone registering for its firm."""
    if principal.kind != "user":
        return NoticesPublic(data=[], count=0)
    rows = registration_service.notices_for(session, user_id=principal.id)
    return NoticesPublic(data=[NoticePublic.model_validate(row) for row in rows], count=len(rows))
