"""The bank's products: list, publish, edit the rules, retire; never another bank's."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from lenders.products.models import LoanProduct, ProductStatus
from tests.pages.bank_world import Banks, banks, post


@pytest.fixture
def world(db: Session, client: TestClient) -> Banks:
    return banks(db, client)


def fields(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "product_type": "pure_credit",
        "name": "湖银科创贷",
        "description": "面向科技型小微企业",
        "min_amount_yuan": "100000.00",
        "max_amount_yuan": "2000000.50",
        "min_term_months": "6",
        "max_term_months": "36",
        "min_rate_percent": "3.45",
        "max_rate_percent": "6",
        "min_operating_months": "12",
        "grades": ["A", "B"],
        "entity_types": ["enterprise"],
        "tech": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def products_of(db: Session, world: Banks) -> list[LoanProduct]:
    db.expire_all()
    return list(db.exec(select(LoanProduct).where(LoanProduct.lender_id == world.bank.id)))


def test_the_list_shows_own_products_only(client: TestClient, db: Session, world: Banks) -> None:
    page = client.get("/bank/products")
    assert page.status_code == 200
    assert f'/bank/products/{world.product.id}"' in page.text
    assert f'/bank/products/{world.other_product.id}"' not in page.text
    assert "3.50%–6.00%" in page.text
    assert "筛选条件有误" in client.get("/bank/products?status=gone").text


def test_publish_a_product_with_its_rules(client: TestClient, db: Session, world: Banks) -> None:
    answer = post(client, "/bank/products", fields(), form="/bank/products/new")
    assert answer.status_code == 303
    (product,) = [p for p in products_of(db, world) if p.id != world.product.id]
    assert answer.headers["location"] == f"/bank/products/{product.id}"
    assert (product.min_amount_fen, product.max_amount_fen) == (10_000_000, 200_000_050)
    assert (product.min_rate_bp, product.max_rate_bp) == (345, 600)
    assert product.grades == ["A", "B"] and product.entity_types == ["enterprise"]
    assert product.tech and not product.green and product.min_operating_months == 12
    page = client.get(f"/bank/products/{product.id}").text
    assert "湖银科创贷" in page and 'value="2000000.50"' in page and 'value="3.45"' in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"min_amount_yuan": "10万"}, "不是金额"),
        ({"max_amount_yuan": "-1"}, "负数"),
        ({"min_amount_yuan": "5000000.00"}, "最低值不能高于最高值"),
        ({"min_rate_percent": "3.455"}, "百分数"),
        ({"max_rate_percent": "99"}, "不能大于 24.00%"),
        ({"min_term_months": "0"}, "不能小于 1"),
        ({"name": "长" * 101}, "不能超过 100 个字符"),
        ({"description": "长" * 2001}, "不能超过 2000 个字符"),
        ({"product_type": "payday"}, "请从列表中选择"),
        ({"grades": ["Z"]}, "A–E"),
        ({"districts": ["110101"]}, "110101"),
        ({"name": None}, "请填写此项"),
    ],
)
def test_a_bad_product_is_refused_and_publishes_nothing(
    client: TestClient, db: Session, world: Banks, overrides: dict[str, Any], message: str
) -> None:
    answer = post(client, "/bank/products", fields(**overrides), form="/bank/products/new")
    assert answer.status_code == 422 and message in answer.text, answer.text[-3000:]
    assert [p.id for p in products_of(db, world)] == [world.product.id]


def test_edit_the_rules_of_a_product(client: TestClient, db: Session, world: Banks) -> None:
    path = f"/bank/products/{world.product.id}"
    answer = post(
        client, path, fields(name="小微信用贷（升级版）", grades=["A"], max_rate_percent="5.5"),
        form=path,
    )  # fmt: skip
    assert answer.status_code == 303 and answer.headers["location"] == path
    db.expire_all()
    product = db.get(LoanProduct, world.product.id)
    assert product is not None
    assert product.name == "小微信用贷（升级版）" and product.grades == ["A"]
    assert product.max_rate_bp == 550


def test_a_bad_edit_changes_nothing(client: TestClient, db: Session, world: Banks) -> None:
    path = f"/bank/products/{world.product.id}"
    for bad in (fields(max_amount_yuan="1.5.0"), fields(min_term_months="40")):
        answer = post(client, path, bad, form=path)
        assert answer.status_code == 422
    db.expire_all()
    product = db.get(LoanProduct, world.product.id)
    assert product is not None and product.name == "小微信用贷" and product.min_term_months == 6


def test_retire_a_product_and_it_can_no_longer_change(
    client: TestClient, db: Session, world: Banks
) -> None:
    path = f"/bank/products/{world.product.id}"
    too_long = post(client, f"{path}/retire", {"reason": "长" * 501}, form=path)
    assert too_long.status_code == 422 and "不能超过 500 个字符" in too_long.text
    answer = post(client, f"{path}/retire", {"reason": "额度用完"}, form=path)
    assert answer.status_code == 303
    db.expire_all()
    product = db.get(LoanProduct, world.product.id)
    assert product is not None and product.status is ProductStatus.RETIRED
    page = client.get(path).text
    assert "已下架" in page and "不再接受修改" in page
    again = post(client, path, fields(), form="/bank/products")
    assert again.status_code == 409 and "已下架" in again.text


def test_another_banks_product_is_not_found_and_unchanged(
    client: TestClient, db: Session, world: Banks
) -> None:
    path = f"/bank/products/{world.other_product.id}"
    assert client.get(path).status_code == 404
    assert post(client, path, fields(name="被改了"), form="/bank/products").status_code == 404
    assert post(client, f"{path}/retire", {}, form="/bank/products").status_code == 404
    db.expire_all()
    theirs = db.get(LoanProduct, world.other_product.id)
    assert theirs is not None and theirs.name == "小微信用贷"
    assert theirs.status is ProductStatus.ACTIVE
