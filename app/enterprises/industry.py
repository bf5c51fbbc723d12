"""Industry classification of GB/T 4754-2017 (国民经济行业分类): sections and their divisions."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    letter: str
    name: str
    first_division: int
    last_division: int


SECTIONS: dict[str, Section] = {
    s.letter: s
    for s in (
        Section("A", "农、林、牧、渔业", 1, 5),
        Section("B", "采矿业", 6, 12),
        Section("C", "制造业", 13, 43),
        Section("D", "电力、热力、燃气及水生产和供应业", 44, 46),
        Section("E", "建筑业", 47, 50),
        Section("F", "批发和零售业", 51, 52),
        Section("G", "交通运输、仓储和邮政业", 53, 60),
        Section("H", "住宿和餐饮业", 61, 62),
        Section("I", "信息传输、软件和信息技术服务业", 63, 65),
        Section("J", "金融业", 66, 69),
        Section("K", "房地产业", 70, 70),
        Section("L", "租赁和商务服务业", 71, 72),
        Section("M", "科学研究和技术服务业", 73, 75),
        Section("N", "水利、环境和公共设施管理业", 76, 79),
        Section("O", "居民服务、修理和其他服务业", 80, 82),
        Section("P", "教育", 83, 83),
        Section("Q", "卫生和社会工作", 84, 85),
        Section("R", "文化、体育和娱乐业", 86, 90),
        Section("S", "公共管理、社会保障和社会组织", 91, 96),
        Section("T", "国际组织", 97, 97),
    )
}


def section_of_division(division: str) -> Section | None:
    """The section a two-digit division belongs to, or None when it belongs to none."""
    if len(division) != 2 or not division.isdigit():
        return None
    number = int(division)
    return next(
        (s for s in SECTIONS.values() if s.first_division <= number <= s.last_division), None
    )


def division_problem(section: str, division: str) -> str | None:
    """Why ``section``/``division`` is not a valid pair, or None when it is."""
    if section not in SECTIONS:
        return f"industry section {section!r} is not a GB/T 4754 section (A–T)"
    owner = section_of_division(division)
    if owner is None:
        return f"industry division {division!r} is not a GB/T 4754 division (01–97)"
    if owner.letter != section:
        return f"industry division {division} belongs to section {owner.letter}, not {section}"
    return None
