"""One enterprise's facts read without a data frame are the facts the city's frame holds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

import pandas as pd
import pytest
from sqlmodel import Session

from app.core.clock import to_local, utcnow
from app.enterprises.models import Enterprise
from tests.whitelist.test_refresh import list_on
from whitelist import facts
from whitelist import policy as policy_service
from whitelist import service as whitelist_service
from whitelist.exceptions import EnterpriseNotRegistered

Make = Callable[..., Enterprise]
MODEL = "m-wl-001"  # the champion of tests/whitelist_fixtures.py


def plain(value: Any) -> Any:
    """A frame's cell as Python: NaT and NaN are None, timestamps are datetimes."""
    if isinstance(value, list):
        return value
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def test_one_enterprise_s_facts_match_its_row_of_the_city_frame(
    db: Session, qualified: Make
) -> None:
    firms = [
        qualified(),
        qualified(grade="C", consents=False),
        qualified(scored=False, applies=False),
        qualified(age_days=100),
    ]
    list_on(db, firms[0].uscc, "dishonest_debtor")
    now = utcnow()
    today = to_local(now).date()
    lists = policy_service.current(db).disqualifying_lists
    frame = facts.gather(db, model_name=MODEL, lists=lists, today=today, now=now)
    read: dict[str, facts.EnterpriseFacts] = {}
    for firm in firms:
        one = facts.of_enterprise(
            db, model_name=MODEL, lists=lists, today=today, now=now, uscc=firm.uscc
        )
        assert one is not None
        row = {name: plain(value) for name, value in frame.loc[firm.uscc].items()}
        assert asdict(one) == row, firm.uscc
        read[firm.uscc] = one
    assert read[firms[0].uscc].listings == ["dishonest_debtor"]
    assert [one.consent_active for one in read.values()] == [True, False, True, True]
    assert read[firms[2].uscc].grade is None and read[firms[2].uscc].last_demand_at is None


def test_explaining_an_enterprise_outside_the_registry_is_not_found(db: Session) -> None:
    with pytest.raises(EnterpriseNotRegistered):
        whitelist_service.explain(db, uscc="91330500MA00000000")
