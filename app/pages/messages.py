"""Chinese texts of the errors people meet on the pages; programs keep the stable ``code``."""

from __future__ import annotations

import re

from app.core.errors import DomainError, ErrorKind

_CJK = re.compile(r"[\u4e00-\u9fff]")

TITLE_BY_STATUS: dict[int, str] = {
    400: "无法办理",
    401: "请先登录",
    403: "没有权限",
    404: "页面不存在",
    405: "不支持该操作",
    409: "状态已变化",
    413: "文件过大",
    422: "填写有误",
    429: "操作过于频繁",
    500: "系统出错了",
    503: "服务暂不可用",
}
MESSAGE_BY_KIND: dict[ErrorKind, str] = {
    ErrorKind.REFUSED: "该请求无法办理。",
    ErrorKind.INVALID_INPUT: "提交的内容有误，请检查后重试。",
    ErrorKind.NOT_AUTHENTICATED: "请先登录。",
    ErrorKind.PERMISSION_DENIED: "您没有权限进行该操作。",
    ErrorKind.NOT_FOUND: "没有找到您要的内容。",
    ErrorKind.CONFLICT: "该事项的状态已经变化，请刷新后再试。",
    ErrorKind.TOO_LARGE: "文件过大。",
    ErrorKind.TOO_MANY_ATTEMPTS: "操作过于频繁，请稍后再试。",
    ErrorKind.UNAVAILABLE: "服务暂不可用，请稍后再试。",
}
# Codes whose English detail is not shown to people: their Chinese text instead.
MESSAGE_BY_CODE: dict[str, str] = {
    "account_limit_reached": "该企业的账户数已达上限。",
    "already_defaulted": "该笔贷款已登记违约。",
    "amount_above_approved": "放款金额超过批准金额。",
    "api_key_not_found": "没有找到该接口密钥。",
    "application_changed": "该申请的状态已经变化，请刷新后再试。",
    "archive_too_large": "压缩文件解压后过大。",
    "application_not_found": "没有找到该融资申请。",
    "approval_outside_product": "批准的金额、期限或利率超出产品范围。",
    "authorization_not_active": "该授权已失效或已撤回。",
    "authorization_not_found": "没有找到该授权。",
    "batch_not_found": "没有找到该批次。",
    "champion_not_scored": "在用的评分模型还没有给任何企业评分，请先运行评分后再刷新白名单。",
    "consent_required": "企业尚未授权，不能查看其数据。",
    "contract_id_taken": "该合同编号已被登记。",
    "csrf_rejected": "表单已过期或来源不明，请刷新页面后重新提交。",
    "date_in_future": "日期不能晚于今天。",
    "date_out_of_order": "日期先后顺序不对。",
    "enterprise_exists": "该企业已经注册。",
    "enterprise_not_active": "该企业不是存续状态。",
    "enterprise_not_found": "没有找到该企业。",
    "enterprise_not_registered": "没有找到该企业。",
    "file_refused": "文件无法读取或格式不受支持。",
    "illegal_lead_transition": "该推荐的当前状态不允许这个操作。",
    "illegal_transition": "当前状态不允许这个操作。",
    "invalid_account": "账户信息有误。",
    "invalid_credentials": "用户名或密码错误。",
    "invalid_district": "区县代码不在本市。",
    "invalid_industry": "行业代码有误。",
    "invalid_uscc": "统一社会信用代码有误。",
    "invalid_webhook_url": "回调地址不可用，请检查后重试。",
    "lead_changed": "该推荐的状态已经变化，请刷新后再试。",
    "lead_not_approved": "该推荐尚未审批通过。",
    "lead_not_found": "没有找到该推荐。",
    "lender_code_taken": "该机构代码已被使用，请换一个。",
    "lender_inactive": "该金融机构已停用，暂不受理申请。",
    "lender_not_found": "没有找到该金融机构。",
    "loan_not_found": "没有找到该笔贷款。",
    "model_not_found": "没有找到该模型版本。",
    "no_champion_model": "尚无在用的评分模型。",
    "note_required": "请填写说明。",
    "product_not_found": "没有找到该产品，或它已下架。",
    "product_retired": "该产品已下架。",
    "registration_closed": "该注册申请已经办结。",
    "registration_not_found": "没有找到该注册申请。",
    "registration_refused": "注册未通过。",
    "repayment_exceeds_outstanding": "还款金额超过贷款余额。",
    "spreadsheet_too_large": "表格过大，请拆分后上传。",
    "too_many_attempts": "尝试次数过多，请稍后再试。",
    "upload_too_large": "文件过大。",
    "user_not_found": "没有找到该用户。",
    "username_taken": "该用户名已被使用。",
    "unknown_encoding": "无法识别文件编码，请另存为 UTF-8 或 GB18030 后上传。",
    "unknown_lender": "没有找到该金融机构。",
    "uscc_review_not_found": "没有找到该复核。",
    "uscc_review_decided": "该复核已经处理。",
    "whitelist_version_not_found": "没有找到该白名单版本。",
    "wrong_code": "验证码不正确。",
}
# The bank portal's (app.pages.routes.bank*): kept apart so parallel additions do not collide.
MESSAGE_BY_CODE.update(
    {
        "days_past_due_implausible": "逾期天数超过了自放款以来的天数。",
        "delivery_not_dead": "该事件不在死信中，无需重新投递。",
        "delivery_not_found": "没有找到该投递事件。",
        "empty_repayment": "本金和利息不能都为 0。",
        "invalid_range": "最低值不能高于最高值。",
        "loan_defaulted": "该笔贷款已登记违约，不能再登记还款。",
        "loan_not_defaulted": "该笔贷款尚未登记违约，不能登记追回。",
        "loan_repaid": "该笔贷款已结清。",
        "outstanding_above_balance": "违约时余额超过了平台记录的贷款余额。",
        "recovery_exceeds_loss": "追回总额将超过违约时余额。",
        "repayment_exists": "该月份的还款已经登记。",
        "too_many_webhook_secrets": "有效的签名密钥已达上限，请先停用旧密钥。",
        "webhook_secret_not_active": "该签名密钥已停用。",
        "webhook_secret_not_found": "没有找到该签名密钥。",
    }
)
# The risk-buffer fund's (lenders.fund and its ledger), kept apart like the bank portal's.
MESSAGE_BY_CODE.update(
    {
        "fund_allocation_exceeds_fund": "基金未分配资金不足，不能给该银行这么多额度。",
        "fund_allocation_in_use": "该银行的额度已部分用于代偿，剩余额度不足以按此调减。",
        "fund_claim_not_found": "没有找到该代偿申请。",
        "fund_claim_same_hands": "同一人不能既审核又批准同一笔代偿。",
        "fund_claim_wrong_step": "该代偿申请的状态已经变化，当前不能进行这一步。",
        "fund_exhausted": "该银行的剩余额度不足以支付这笔代偿。",
        "fund_forecast_invalid_parameters": "预测参数有误：路径数、预测期、损失率或种子超出范围。",
        "fund_forecast_not_found": "还没有资金耗尽预测。",
        "fund_invalid_terms": (
            "协议条款有误：新版本不能早于现行版本或今天生效，适用产品须为该银行参与基金的产品。"
        ),
        "fund_no_agreement": "该银行在这一天没有生效的合作协议。",
        "fund_period_cap_exceeded": "批准这笔代偿将使该银行本年度代偿率超过协议约定的上限。",
        "fund_premium_multiple_reached": "该银行已批准的代偿已达到所缴保费的约定倍数，不能再批准。",
        "fund_risk_class_not_claimable": "该笔贷款的风险分类低于协议约定的可代偿类别，不能申请。",
        "fund_loan_not_registrable": "已结清或已违约的贷款不能登记基金覆盖。",
        "fund_not_claimable": "该笔贷款不能申请代偿：须是基金覆盖、已违约且未申请过的贷款。",
        "fund_statement_month_future": "该月份尚未开始，还没有对账单。",
        "fund_statement_month_invalid": "月份有误，请按 YYYY-MM 填写，如 2026-11。",
        "invalid_transfer": "记账金额或账户有误。",
        "ledger_account_exists": "该账户已存在。",
        "ledger_account_not_found": "没有找到该账户。",
        "ledger_already_reversed": "该笔记账已被冲正。",
        "ledger_key_reused": "该编号已用于另一笔记账。",
        "ledger_limit_exceeded": "余额不足，不能记这笔账。",
        "ledger_transfer_not_found": "没有找到该笔记账。",
    }
)
# The monitoring's (app.monitoring), kept apart like the fund's.
MESSAGE_BY_CODE.update(
    {
        "monitoring_bad_figure": "该数据项不由金融办填报，或数值有误。",
        "monitoring_bad_months": "月份有误，请按 YYYY-MM 填写，如 2026-11。",
        "monitoring_bad_target": "目标数值有误。",
        "monitoring_unknown_indicator": "没有这个指标。",
    }
)
STATUS_MESSAGE: dict[int, str] = {
    404: "没有找到您要的页面，地址可能有误，或内容已被移除。",
    405: "该页面不支持这种操作。",
    422: "提交的内容有误，请检查后重试。",
    500: "系统处理您的请求时出错，我们已记录。请稍后重试；如需联系运维，请提供下方的请求编号。",
}


def is_chinese(text: str) -> bool:
    return bool(_CJK.search(text))


def for_error(error: DomainError) -> str:
    """What a person reads for ``error``: its own text if Chinese, else by code, else by kind."""
    if is_chinese(error.detail):
        return error.detail
    return MESSAGE_BY_CODE.get(error.code) or MESSAGE_BY_KIND[error.kind]


def title_for(status: int) -> str:
    return TITLE_BY_STATUS.get(status, "出错了")
