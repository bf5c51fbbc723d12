"""Synthetic registration records for a city's enterprises (湖州市), deterministic by seed.

The full synthetic city — monthly sources, events and a known truth — grows from this; here are
the registry fields only: valid USCCs whose division matches the district, an industry mix,
individual businesses and cooperatives beside companies, heavy-tailed sizes, and a small share
of codes whose check character fails, as some real pilot-region codes do.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from app.enterprises import uscc

DISTRICT_WEIGHTS = {"330502": 0.30, "330503": 0.17, "330521": 0.18, "330522": 0.20, "330523": 0.15}
# GB/T 4754 section, a typical division, weight in the city's mix of market entities, name word.
INDUSTRY_MIX = (
    ("C", "18", 0.10, "服装"),
    ("C", "34", 0.08, "机械"),
    ("C", "38", 0.05, "电气"),
    ("C", "20", 0.04, "木业"),
    ("C", "30", 0.03, "建材"),
    ("F", "51", 0.12, "贸易"),
    ("F", "52", 0.20, "商行"),
    ("H", "62", 0.07, "餐饮"),
    ("E", "48", 0.04, "建设"),
    ("G", "54", 0.04, "物流"),
    ("I", "65", 0.04, "科技"),
    ("L", "72", 0.06, "商务咨询"),
    ("A", "01", 0.05, "农业"),
    ("O", "80", 0.05, "家政服务"),
    ("M", "75", 0.03, "技术服务"),
)
ENTITY_CATEGORY = {"enterprise": "1", "individual_business": "2", "farmers_cooperative": "3"}
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程沈"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文斌宇浩凯鹏飞"
BRAND = "恒兴隆盛丰达鑫源泰华安康宏远金瑞祥通福德顺新富嘉和润天翔"
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

OLDEST = date(1950, 1, 1)  # the earliest registration date the synthetic city gives a firm


@dataclass(frozen=True)
class CitySpec:
    enterprises: int = 300
    seed: int = 20261123
    bad_check_char_rate: float = 0.01
    as_of: date = date(2026, 11, 1)


def organization_code(rng: random.Random) -> str:
    """A nine-character organization code (GB 11714) with its own check character."""
    body = "".join(rng.choice("0123456789") for _ in range(8))
    total = sum(int(char) * weight for char, weight in zip(body, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def make_uscc(rng: random.Random, *, entity_type: str, district: str) -> str:
    return uscc.complete("9" + ENTITY_CATEGORY[entity_type] + district + organization_code(rng))


def corrupt_check_char(code: str, rng: random.Random) -> str:
    wrong = rng.choice([c for c in uscc.ALPHABET if c != code[-1]])
    return code[:-1] + wrong


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _name(rng: random.Random, entity_type: str, district: str, word: str) -> str:
    brand = "".join(rng.sample(BRAND, 2))
    place = {
        "330502": "湖州",
        "330503": "南浔",
        "330521": "德清",
        "330522": "长兴",
        "330523": "安吉",
    }[district]
    if entity_type == "individual_business":
        return f"{place}{brand}{word}店"
    if entity_type == "farmers_cooperative":
        return f"{place}县{brand}{word}专业合作社"
    return f"{place}{brand}{word}有限公司"


def registration_records(spec: CitySpec) -> list[dict[str, Any]]:
    """One dict per enterprise, shaped as ``EnterpriseCreate``; the same spec, the same list."""
    rng = random.Random(spec.seed)
    records: list[dict[str, Any]] = []
    seen: set[str] = set()
    mix_weights = [weight for *_, weight, _ in INDUSTRY_MIX]
    while len(records) < spec.enterprises:
        section, division, _, word = rng.choices(INDUSTRY_MIX, weights=mix_weights)[0]
        entity_type = (
            "farmers_cooperative"
            if section == "A" and rng.random() < 0.6
            else (
                "individual_business" if rng.random() < 0.35 and section in "FHO" else "enterprise"
            )
        )
        district = _weighted(rng, DISTRICT_WEIGHTS)
        code = make_uscc(rng, entity_type=entity_type, district=district)
        if code[:17] in seen:
            continue
        seen.add(code[:17])
        if rng.random() < spec.bad_check_char_rate:
            code = corrupt_check_char(code, rng)
        # Heavy tails: most firms are tiny, a few are large.
        headcount = max(1, int(rng.lognormvariate(2.0, 1.1)))
        revenue_yuan = int(rng.lognormvariate(14.0, 1.4))
        capital_yuan = (
            0 if entity_type == "individual_business" else int(rng.lognormvariate(13.5, 1.2))
        )
        # The tail is capped so that no firm predates the registry (1949-10-01): at 湖州 scale
        # a few would, and the contract rightly rejects them.
        age_days = min(int(rng.expovariate(1 / 2200)) + 30, (spec.as_of - OLDEST).days)
        records.append(
            {
                "uscc": code,
                "name": _name(rng, entity_type, district, word),
                "entity_type": entity_type,
                "status": "active"
                if rng.random() > 0.04
                else rng.choice(["deregistered", "revoked"]),
                "registration_date": (spec.as_of - timedelta(days=age_days)).isoformat(),
                "registered_capital_yuan": str(capital_yuan) if capital_yuan else None,
                "industry_section": section,
                "industry_division": division,
                "district": district,
                "headcount": headcount,
                "annual_revenue_yuan": str(revenue_yuan),
                "legal_representative": _person(rng),
            }
        )
    return records
