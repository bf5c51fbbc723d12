"""The monthly fund statement as an .xlsx workbook, through ``app.core.exports`` only.

Four sheets, headers in Chinese: 账户汇总 (opening, the month's debits and credits, closing),
资金流水 (every transfer), 覆盖贷款 (loans covered at month end), 代偿 (claims filed or paid in
the month). Amounts are integer fen beside yuan Decimal, never float; times are Beijing time.
"""

from __future__ import annotations

from datetime import datetime

from app.core.clock import to_local
from app.core.exports import XLSX_MEDIA_TYPE, Book
from app.core.money import fen_to_yuan
from lenders.fund.models import CLAIM_STATUS_LABELS
from lenders.fund.statement import Statement
from lenders.loans.models import LOAN_STATUS_LABELS

MEDIA_TYPE = XLSX_MEDIA_TYPE
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
ACCOUNT_HEADERS = (
    "账户",
    "账户代码",
    "余额方向",
    "期初余额（分）",
    "本月借方（分）",
    "本月贷方（分）",
    "期末余额（分）",
    "期初余额（元）",
    "期末余额（元）",
)
MOVEMENT_HEADERS = (
    "记账时间（北京时间）",
    "业务类型",
    "类型代码",
    "业务编号",
    "借方账户",
    "贷方账户",
    "金额（分）",
    "金额（元）",
)
COVERED_HEADERS = (
    "贷款编号",
    "合同编号",
    "企业名称",
    "统一社会信用代码",
    "覆盖本金（分）",
    "月末余额（分）",
    "月末余额（元）",
    "月末状态",
)
CLAIM_HEADERS = (
    "代偿编号",
    "贷款编号",
    "合同编号",
    "企业名称",
    "申报时间（北京时间）",
    "本月支付时间（北京时间）",
    "当前状态",
    "损失本金（分）",
    "代偿金额（分）",
    "代偿金额（元）",
    "已返还（分）",
)
KIND_LABELS = {
    "allocation": "额度拨付",
    "allocation_release": "额度收回",
    "claim_reserve": "代偿资金预留",
    "payout": "代偿支付",
    "recovery": "追回款返还基金",
    "reversal": "冲正",
    "contribution": "出资",
}


def filename(statement: Statement) -> str:
    return f"fund-statement-{statement.lender_code}-{statement.month}.xlsx"


def workbook(statement: Statement) -> bytes:
    """The statement's .xlsx bytes."""
    book = Book()
    _accounts(book, statement)
    _movements(book, statement)
    _covered(book, statement)
    _claims(book, statement)
    return book.to_bytes()


def _title(statement: Statement) -> str:
    month = statement.month
    return (
        f"{statement.lender_name}（{statement.lender_code}）风险缓释基金对账单 "
        f"{month.year} 年 {month.month} 月：{month.first_day} 00:00 至 {month.next_first_day} "
        f"00:00（北京时间），生成于 {_stamp(statement.made_at)}"
    )


def _accounts(book: Book, statement: Statement) -> None:
    sheet = book.sheet(
        "账户汇总",
        headers=ACCOUNT_HEADERS,
        widths=(20, 34, 10, 16, 16, 16, 16, 16, 16),
        notes=[_title(statement), "期末余额 = 期初余额 + 本月借方 − 本月贷方（贷方余额账户相反）"],
    )
    for line in statement.accounts:
        sheet.append(
            [
                line.label,
                line.code,
                "借" if line.debit_normal else "贷",
                line.opening_fen,
                line.debits_fen,
                line.credits_fen,
                line.closing_fen,
                fen_to_yuan(line.opening_fen),
                fen_to_yuan(line.closing_fen),
            ]
        )


def _movements(book: Book, statement: Statement) -> None:
    sheet = book.sheet(
        "资金流水", headers=MOVEMENT_HEADERS, widths=(22, 16, 18, 30, 34, 34, 16, 16)
    )
    for moved in statement.movements:
        transfer = moved.transfer
        sheet.append(
            [
                _local(transfer.posted_at),
                KIND_LABELS.get(transfer.kind, transfer.kind),
                transfer.kind,
                transfer.reference,
                moved.debit,
                moved.credit,
                transfer.amount_fen,
                fen_to_yuan(transfer.amount_fen),
            ]
        )


def _covered(book: Book, statement: Statement) -> None:
    sheet = book.sheet("覆盖贷款", headers=COVERED_HEADERS, widths=(10, 28, 36, 22, 16, 16, 16, 10))
    for line in statement.covered:
        sheet.append(
            [
                line.loan.id,
                line.loan.contract_id,
                line.enterprise_name,
                line.loan.uscc,
                line.covered_principal_fen,
                line.outstanding_fen,
                fen_to_yuan(line.outstanding_fen),
                LOAN_STATUS_LABELS[line.status],
            ]
        )


def _claims(book: Book, statement: Statement) -> None:
    sheet = book.sheet(
        "代偿", headers=CLAIM_HEADERS, widths=(10, 10, 28, 36, 22, 22, 12, 16, 16, 16, 16)
    )
    for line in statement.claims:
        claim = line.claim
        sheet.append(
            [
                claim.id,
                claim.loan_id,
                line.loan.contract_id,
                line.enterprise_name,
                _local(claim.filed_at),
                _local(line.paid_at) if line.paid_at else None,
                CLAIM_STATUS_LABELS[claim.status],
                claim.unpaid_principal_fen,
                claim.amount_fen,
                None if claim.amount_fen is None else fen_to_yuan(claim.amount_fen),
                claim.returned_fen,
            ]
        )


def _stamp(moment: datetime) -> str:
    return to_local(moment).strftime(TIME_FORMAT)


def _local(moment: datetime) -> datetime:
    # Excel has no time zones: write the time as people in the city read it.
    return to_local(moment).replace(tzinfo=None)
