"""Chinese labels for the values the pages show."""

from lenders.fund.models import CLAIM_STATUS_LABELS, COVER_REFUSAL_LABELS

ROLE = {
    "enterprise": "企业用户",
    "lender_user": "金融机构用户",
    "lender_client": "金融机构系统",
    "office": "金融办",
    "data_operator": "数据运维",
    "admin": "管理员",
}
ENTITY_TYPE = {
    "enterprise": "企业",
    "individual_business": "个体工商户",
    "farmers_cooperative": "农民专业合作社",
}
STATUS = {"active": "存续", "deregistered": "注销", "revoked": "吊销"}
SIZE_CLASS = {"micro": "微型", "small": "小型", "medium": "中型", "large": "大型", None: "—"}
READ_WHAT = {
    "profile": "企业基本信息",
    "score": "信用评分",
    "loans": "贷款记录",
    "authorizations": "授权记录",
    "data_access_log": "查询记录",
    "whitelist_standing": "白名单情况",
    "application": "融资申请",
    "lead": "推荐信息",
}
READ_BASIS = {
    "authorization": "企业授权",
    "supervision": "金融办监管",
    "administration": "系统管理",
    "data_operations": "数据运维",
}
PRODUCT_RULE = {
    "amount": "金额",
    "term": "期限",
    "grade": "信用等级",
    "industry": "行业",
    "district": "区县",
    "entity_type": "主体类型",
    "operating_months": "经营年限",
    "green": "绿色融资",
    "tech": "科技企业",
}
WHITELIST_RULE = {
    "entity_active": "登记状态",
    "operating_months": "经营年限",
    "grade": "信用等级",
    "demand": "融资需求",
    "consent": "数据授权",
}
# The risk-buffer fund's (风险缓释基金): the domain's own labels, keyed by value for templates.
CLAIM_STATUS = {status.value: label for status, label in CLAIM_STATUS_LABELS.items()}
COVER_REFUSAL = {reason.value: label for reason, label in COVER_REFUSAL_LABELS.items()}
# A claim's audited steps and the fund's other acts, as the claim page lists them.
FUND_ACTION = {
    "fund.claim.file": "银行申报",
    "fund.claim.review": "初审",
    "fund.claim.approve_first": "批准（待复核）",
    "fund.claim.approve": "批准并预留资金",
    "fund.claim.reject": "驳回",
    "fund.claim.pay": "支付代偿",
    "fund.claim.recovery": "追回款按比例返还",
    "fund.claim.write_off": "核销",
}
# How a cover came: decided at disbursement, or an earlier loan the bank registered.
FUND_COVER_BASIS = {True: "存量登记", False: "放款时"}
