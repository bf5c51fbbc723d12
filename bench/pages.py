"""Benchmark: server time of every page at 湖州 scale (not a test).

    python -m bench.pages [--enterprises 115000] [--requests 200] [--concurrency 4]
                          [--database-url URL] [--check] [--tiny]

On its own PostgreSQL database (dropped and created afresh) it builds the whitelist benchmark's
city (``bench/whitelist_city.py``: the registry ingested, a champion's scores for every
enterprise, a third with an application and a grant), adds an enterprise user, a user of the
first bank and one user of each staff role, then requests each page ``--requests`` times with
``--concurrency`` in flight through the application itself (``httpx.ASGITransport``: no network,
so the time is the server's), signed in as the page's user. Each page's p50 and p95 are printed
beside a bare page — a FastAPI app answering one line of HTML — timed the same way at the same
concurrency. Goal: every page p95 ≤ 100 ms. ``--tiny`` is a smoke run; ``--check`` exits 1 on a
missed goal.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import numpy as np
from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from bench.common import Goals, add_common_options, timed_gets

GOAL_P95_MS = 100.0


def pages_of(uscc: str, application_id: int) -> dict[str, tuple[str, str]]:
    """Page name → (the user it is requested as, its path)."""
    return {
        "企业库": ("office", "/enterprises"),
        "企业库 筛选": ("office", "/enterprises?district=330502&entity_type=enterprise"),
        "企业库 翻页": ("office", "/enterprises?offset=5000&limit=50"),
        "企业详情": ("office", f"/enterprises/{uscc}"),
        "我的信用": ("firm", "/me"),
        "产品超市": ("firm", "/me/products"),
        "融资申请": ("firm", "/me/applications"),
        "申请详情": ("firm", f"/me/applications/{application_id}"),
        "新建申请": ("firm", "/me/applications/new"),
        "线索与贷款": ("firm", "/me/loans"),
        "数据授权": ("firm", "/me/consents"),
        "查询记录": ("firm", "/me/data-access"),
        "修改密码": ("firm", "/account/password"),
        "推荐线索": ("bank", "/bank/leads"),
        "银行贷款": ("bank", "/bank/loans"),
        "信贷产品": ("bank", "/bank/products"),
        "对接设置": ("bank", "/bank/integration"),
        "死信": ("bank", "/bank/integration/dead-letters"),
        "白名单政策": ("office", "/whitelist/policy"),
        "白名单版本": ("office", "/whitelist/versions"),
        "评分模型": ("office", "/models"),
        "数据批次": ("operator", "/batches"),
        "代码复核": ("operator", "/uscc-reviews"),
        "账户管理": ("admin", "/admin/users"),
        "金融机构": ("admin", "/admin/lenders"),
        "审计日志": ("admin", "/admin/audit"),
        "登录": ("", "/login"),
    }


def add_people() -> tuple[dict[str, str], str, int]:
    """Session tokens of an enterprise with an application, a user of the city's first bank
    and one of each staff role."""
    from sqlmodel import select

    from app.accounts import service as account_service
    from app.accounts.models import Role, User
    from app.applications.models import FinancingApplication
    from app.core import db, security
    from bench.whitelist_city import LENDERS
    from lenders.institutions.models import Lender

    with db.session_scope() as session:
        application = session.exec(
            select(FinancingApplication).order_by(FinancingApplication.id)
        ).first()
        assert application is not None and application.id is not None
        bank = session.exec(select(Lender).where(Lender.code == LENDERS[0])).one()
        users = {
            "office": User(username="bench-office", display_name="市金融办", role=Role.OFFICE),
            "operator": User(
                username="bench-operator", display_name="数据运维", role=Role.DATA_OPERATOR
            ),
            "admin": User(username="bench-admin", display_name="管理员", role=Role.ADMIN),
            "bank": User(
                username="bench-bank", display_name="银行客户经理", role=Role.LENDER_USER,
                lender_id=bank.id,
            ),
            "firm": User(
                username="bench-firm", display_name="企业用户", role=Role.ENTERPRISE,
                uscc=application.uscc,
            ),
        }  # fmt: skip
        for user in users.values():
            user.password_hash = security.hash_password("bench-password-not-used")
            session.add(user)
        session.flush()
        tokens = {name: account_service.issue_token(user) for name, user in users.items()}
        return tokens, application.uscc, application.id


def bare_app() -> FastAPI:
    bare = FastAPI()

    @bare.get("/", response_class=HTMLResponse)
    def page() -> str:
        return "<!doctype html><html lang='zh-CN'><title>空白页</title><p>你好</p></html>"

    return bare


def timed(
    app: object, path: str, cookie: str, *, requests: int, concurrency: int
) -> Coroutine[Any, Any, list[float]]:
    """Each request signed in by the session cookie (none for a public page)."""
    headers = {"Cookie": f"xyd_session={cookie}"} if cookie else {}
    return timed_gets(app, path, headers, requests=requests, concurrency=concurrency)


def p95(times: list[float]) -> float:
    return float(np.percentile(times, 95))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=115_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--database-url", default="postgresql://postgres@127.0.0.1:5432/xyd_bench_pages"
    )
    add_common_options(parser, tiny="1,000 enterprises, 20 requests per page")
    args = parser.parse_args()
    if args.tiny:
        args.enterprises, args.requests = 1000, 20
    work = Path(tempfile.mkdtemp(prefix="xyd-bench-pages-"))
    os.environ.update(XYD_ENV="development", XYD_LOG_LEVEL="WARNING")
    from bench.whitelist_city import setup

    setup(args, work, np.random.default_rng(args.seed))
    tokens, uscc, application_id = add_people()
    from app.main import create_app

    app = create_app()
    bare = asyncio.run(
        timed(bare_app(), "/", "", requests=args.requests, concurrency=args.concurrency)
    )
    print(
        f"{args.enterprises:,} enterprises; {args.requests} requests per page, "
        f"{args.concurrency} in flight; server time through ASGI (ms)"
    )
    print(f"{'bare page':<14} p50 {statistics.median(bare):7.1f}  p95 {p95(bare):7.1f}")
    goals = Goals()
    for name, (who, path) in pages_of(uscc, application_id).items():
        times = asyncio.run(
            timed(app, path, tokens.get(who, ""), requests=args.requests,
                  concurrency=args.concurrency)
        )  # fmt: skip
        print(f"{name:<14} p50 {statistics.median(times):7.1f}  p95 {p95(times):7.1f}  {path}")
        goals.judge(
            f"{name} p95",
            figure=f"{p95(times):.1f} ms (bare page {p95(bare):.1f} ms)",
            goal=f"≤ {GOAL_P95_MS:.0f} ms",
            met=p95(times) <= GOAL_P95_MS,
        )
    goals.finish(check=args.check)


if __name__ == "__main__":
    main()
