"""Each role's navigation: every page of the role, linked from every page it sees."""

from __future__ import annotations

from dataclasses import dataclass

from app.accounts.models import Role
from app.accounts.principal import Principal


@dataclass(frozen=True)
class Link:
    label: str
    href: str


NAVIGATION: dict[Role, tuple[Link, ...]] = {
    Role.ENTERPRISE: (
        Link("我的信用", "/me"),
        Link("产品超市", "/me/products"),
        Link("融资申请", "/me/applications"),
        Link("线索与贷款", "/me/loans"),
        Link("数据授权", "/me/consents"),
        Link("查询记录", "/me/data-access"),
        Link("修改密码", "/account/password"),
    ),
    Role.LENDER_USER: (
        Link("推荐线索", "/bank/leads"),
        Link("贷款", "/bank/loans"),
        Link("风险缓释", "/bank/fund"),
        Link("信贷产品", "/bank/products"),
        Link("对接设置", "/bank/integration"),
        Link("接口文档", "/docs"),
        Link("修改密码", "/account/password"),
    ),
    Role.OFFICE: (
        Link("企业库", "/enterprises"),
        Link("白名单政策", "/whitelist/policy"),
        Link("白名单版本", "/whitelist/versions"),
        Link("风险缓释基金", "/fund"),
        Link("监测看板", "/monitoring"),
        Link("评分模型", "/models"),
        Link("修改密码", "/account/password"),
    ),
    Role.DATA_OPERATOR: (
        Link("企业库", "/enterprises"),
        Link("数据批次", "/batches"),
        Link("代码复核", "/uscc-reviews"),
        Link("修改密码", "/account/password"),
    ),
    Role.ADMIN: (
        Link("企业库", "/enterprises"),
        Link("白名单政策", "/whitelist/policy"),
        Link("白名单版本", "/whitelist/versions"),
        Link("风险缓释基金", "/fund"),
        Link("监测看板", "/monitoring"),
        Link("数据批次", "/batches"),
        Link("代码复核", "/uscc-reviews"),
        Link("评分模型", "/models"),
        Link("账户管理", "/admin/users"),
        Link("金融机构", "/admin/lenders"),
        Link("审计日志", "/admin/audit"),
        Link("接口文档", "/docs"),
        Link("修改密码", "/account/password"),
    ),
}
PUBLIC: tuple[Link, ...] = (Link("企业注册", "/register"), Link("接口文档", "/docs"))
ROLE_HOME: dict[Role, str] = {
    Role.ENTERPRISE: "/me",
    Role.LENDER_USER: "/bank/leads",
    Role.OFFICE: "/enterprises",
    Role.DATA_OPERATOR: "/enterprises",
    Role.ADMIN: "/enterprises",
}


def for_viewer(viewer: Principal | None) -> tuple[Link, ...]:
    """The links the viewer's role sees; a visitor sees registration and the API docs."""
    if viewer is None:
        return PUBLIC
    return NAVIGATION.get(viewer.role, ())


def home_of(viewer: Principal) -> str:
    """Where a person lands after signing in."""
    return ROLE_HOME.get(viewer.role, "/")
