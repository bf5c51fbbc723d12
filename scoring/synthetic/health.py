"""The latent monthly health of each enterprise, its default hazard and the exact 12-month PD.

Health is ``h_t = mu_i + d_t``: a firm-level mean ``mu_i`` (a little higher for older and larger
firms, quantised to a grid of levels) plus a deviation ``d_t`` that follows a stationary AR(1)
with rare negative shocks: ``d_t = phi d_{t-1} + sigma e_t + J_t``, where ``J_t`` is a Gaussian
jump with probability ``shock_rate`` per month. The shock is part of the transition kernel, so
``(d_t, mu_i)`` is Markov and the PD table below is exact up to the grid. The column helpers at
the end turn numpy arrays into the string columns every source file is made of.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

KIND_CODES = {"enterprise": 0, "individual_business": 1, "farmers_cooperative": 2}
TYPE_EFFECT = np.array([0.0, -0.15, -0.05])  # 个体工商户 a little weaker on average
BURN_IN = 36


@dataclass(frozen=True)
class HealthModel:
    """Parameters of the latent health path and of the monthly default hazard."""

    phi: float = 0.95
    sigma: float = 0.31
    shock_rate: float = 0.008
    shock_mean: float = -1.5
    shock_sd: float = 0.5
    mu_sd: float = 0.7
    mu_step: float = 0.05
    mu_limit: float = 2.5
    alpha: float = -8.2
    beta: float = -2.3
    grid_size: int = 400
    horizon: int = 10  # onset months M+1..M+10 reach 90 days past due by M+12


@dataclass(frozen=True)
class Firms:
    """Registry attributes as arrays, one entry per enterprise in registry order."""

    uscc: list[str]
    kind: np.ndarray  # 0 enterprise, 1 individual business, 2 farmers' cooperative
    section: np.ndarray  # GB/T 4754 门类 letter
    headcount: np.ndarray
    revenue: np.ndarray  # annual revenue, yuan
    registered: np.ndarray  # datetime64[D]
    first: np.ndarray  # index of the first full month on the register (negative: before window)

    @property
    def count(self) -> int:
        return len(self.uscc)


@dataclass(frozen=True)
class Latent:
    """The simulated path: firm means, their grid index, deviations and health (firms x months)."""

    mu: np.ndarray
    mu_index: np.ndarray
    deviation: np.ndarray
    health: np.ndarray


@dataclass(frozen=True)
class PdTable:
    """1 - S_horizon on the deviation grid, one row per mu level; ``delay`` skips month one."""

    grid: np.ndarray
    pd: np.ndarray
    delay: np.ndarray


def month_axis(as_of: date, months: int) -> np.ndarray:
    """The calendar months covered (datetime64[M]); the last one is the month before ``as_of``."""
    return np.datetime64(as_of, "M") - months + np.arange(months)


def firms_from_records(records: Sequence[dict[str, Any]], *, axis: np.ndarray) -> Firms:
    """Arrays of the registry fields the simulation needs."""
    registered = np.array([r["registration_date"] for r in records], dtype="datetime64[D]")
    reg_month = registered.astype("datetime64[M]")
    late = (registered > reg_month.astype("datetime64[D]")).astype(np.int64)
    first = ((reg_month + late) - axis[0]).astype(np.int64)
    return Firms(
        uscc=[r["uscc"] for r in records],
        kind=np.array([KIND_CODES[r["entity_type"]] for r in records], dtype=np.int64),
        section=np.array([r["industry_section"] for r in records]),
        headcount=np.array([r["headcount"] for r in records], dtype=np.float64),
        revenue=np.array([float(r["annual_revenue_yuan"]) for r in records]),
        registered=registered,
        first=first,
    )


def mu_levels(model: HealthModel) -> np.ndarray:
    """The discrete levels a firm mean can take."""
    count = round(2 * model.mu_limit / model.mu_step) + 1
    return -model.mu_limit + model.mu_step * np.arange(count)


def firm_means(
    rng: np.random.Generator, *, firms: Firms, as_of: date, model: HealthModel
) -> tuple[np.ndarray, np.ndarray]:
    """Firm-level means from age, size and type plus noise, snapped to ``mu_levels``."""
    age_years = (np.datetime64(as_of, "D") - firms.registered).astype(np.float64) / 365.25
    raw = (
        0.25 * (np.log(age_years + 0.5) - 1.3)
        + 0.12 * (np.log(firms.headcount) - 1.6)
        + TYPE_EFFECT[firms.kind]
        + rng.normal(0.0, model.mu_sd, firms.count)
    )
    levels = mu_levels(model)
    index = np.clip(np.rint((raw + model.mu_limit) / model.mu_step), 0, len(levels) - 1)
    return levels[index.astype(np.int64)], index.astype(np.int64)


def stationary_moments(model: HealthModel) -> tuple[float, float]:
    """Mean and standard deviation of the deviation d_t in the stationary state."""
    p, m, s = model.shock_rate, model.shock_mean, model.shock_sd
    mean = p * m / (1 - model.phi)
    innovation = model.sigma**2 + p * (s**2 + m**2) - (p * m) ** 2
    return mean, math.sqrt(innovation / (1 - model.phi**2))


def simulate_latent(
    rng: np.random.Generator, *, firms: Firms, months: int, as_of: date, model: HealthModel
) -> Latent:
    """Simulate every firm's path over ``months`` after a burn-in from the stationary law."""
    mu, mu_index = firm_means(rng, firms=firms, as_of=as_of, model=model)
    n, total = firms.count, months + BURN_IN
    mean, sd = stationary_moments(model)
    state = rng.normal(mean, sd, n)
    noise = rng.normal(0.0, model.sigma, (n, total))
    jumps = rng.normal(model.shock_mean, model.shock_sd, (n, total))
    jumps *= rng.random((n, total)) < model.shock_rate
    deviation = np.empty((n, months))
    for t in range(total):
        state = model.phi * state + noise[:, t] + jumps[:, t]
        if t >= BURN_IN:
            deviation[:, t - BURN_IN] = state
    return Latent(mu, mu_index, deviation, deviation + mu[:, None])


def hazard(model: HealthModel, health: np.ndarray) -> np.ndarray:
    """Monthly hazard that a borrower falls 30 days past due: sigmoid(alpha + beta h)."""
    return 1.0 / (1.0 + np.exp(-(model.alpha + model.beta * health)))


_erf = np.vectorize(math.erf, otypes=[np.float64])


def _normal_cdf(x: np.ndarray) -> np.ndarray:
    return np.asarray(0.5 * (1.0 + _erf(x / math.sqrt(2.0))))


def deviation_grid(model: HealthModel) -> np.ndarray:
    """Grid points for d_t: 7 stationary sds below the mean (shocks) and 6 above."""
    mean, sd = stationary_moments(model)
    return np.linspace(mean - 7 * sd, mean + 6 * sd, model.grid_size)


def transition_matrix(model: HealthModel, grid: np.ndarray) -> np.ndarray:
    """P[i, j] = Pr(d' in bin j | d = grid[i]) for the AR(1) with its shock mixture."""
    edges = np.concatenate(([-np.inf], (grid[1:] + grid[:-1]) / 2, [np.inf]))
    centre = edges[None, :] - model.phi * grid[:, None]
    calm = np.diff(_normal_cdf(centre / model.sigma), axis=1)
    jump_sd = math.hypot(model.sigma, model.shock_sd)
    shocked = np.diff(_normal_cdf((centre - model.shock_mean) / jump_sd), axis=1)
    return (1 - model.shock_rate) * calm + model.shock_rate * shocked


def pd_table(model: HealthModel) -> PdTable:
    """Dynamic programme S_k(d) = sum_d' P(d, d') (1 - lambda(mu + d')) S_{k-1}(d'), per mu."""
    grid = deviation_grid(model)
    step = transition_matrix(model, grid)
    keep = 1.0 - hazard(model, grid[:, None] + mu_levels(model)[None, :])
    survival = np.ones_like(keep)
    previous = survival
    for _ in range(model.horizon):
        previous, survival = survival, step @ (keep * survival)
    return PdTable(grid=grid, pd=(1.0 - survival).T, delay=(1.0 - step @ previous).T)


def lookup_pd(
    table: PdTable, *, deviation: np.ndarray, mu_index: np.ndarray, delay: np.ndarray
) -> np.ndarray:
    """PD by linear interpolation in d; ``delay`` rows use the table whose first month is safe."""
    grid = table.grid
    position = np.clip((deviation - grid[0]) / (grid[1] - grid[0]), 0, len(grid) - 1.000001)
    low = position.astype(np.int64)
    weight = position - low
    values = []
    for rows in (table.pd, table.delay):
        values.append((1 - weight) * rows[mu_index, low] + weight * rows[mu_index, low + 1])
    return np.where(delay, values[1], values[0])


@dataclass(frozen=True)
class Panel:
    """What every source is drawn from: firms, health and the months each firm is on record."""

    firms: Firms
    health: np.ndarray  # firms x months
    alive: np.ndarray  # firms x months
    axis: np.ndarray  # datetime64[M]

    @property
    def month_labels(self) -> list[str]:
        return [str(m) for m in np.datetime_as_string(self.axis)]

    @property
    def calendar(self) -> np.ndarray:
        """0 = January ... 11 = December, per month of the window."""
        return self.axis.astype(np.int64) % 12

    def per_firm(self, table: Mapping[str, float]) -> np.ndarray:
        return np.array([table[s] for s in self.firms.section.tolist()])


def sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function."""
    return 1.0 / (1.0 + np.exp(-x))


def by_kind(
    firms: Firms, enterprise: np.ndarray | float, individual: float, cooperative: float
) -> np.ndarray:
    """A per-firm value chosen by entity type."""
    return np.choose(
        firms.kind, [np.broadcast_to(enterprise, firms.kind.shape), individual, cooperative]
    )


def rows_of(
    rng: np.random.Generator, panel: Panel, covered: np.ndarray, gap: float
) -> tuple[np.ndarray, np.ndarray]:
    """(firm, month) of each row: firms with the source, months on record, minus gaps."""
    missing = rng.random(panel.alive.shape) < gap
    firm, month = np.nonzero(panel.alive & covered[:, None] & ~missing)
    return firm, month


def event_days(rng: np.random.Generator, panel: Panel, month: np.ndarray) -> np.ndarray:
    """A day within each given month of the window (datetime64[D])."""
    start = panel.axis[month].astype("datetime64[D]")
    return start + rng.integers(0, 28, len(month))


def draw_counts(rng: np.random.Generator, rates: np.ndarray) -> np.ndarray:
    """Row indices repeated by Poisson counts with the given rates."""
    return np.repeat(np.arange(len(rates)), rng.poisson(rates))


# --- string columns -------------------------------------------------------------------------


def text(values: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """Integers (or strings) as a string column; ``valid`` False gives nulls (empty in CSV)."""
    column = pc.cast(pa.array(values), pa.string())
    return column if valid is None else masked(column, valid)


def masked(column: pa.Array, valid: np.ndarray) -> pa.Array:
    """``column`` with nulls where ``valid`` is False."""
    return pc.if_else(pa.array(valid), column, pa.scalar(None, pa.string()))


def to_cents(yuan: np.ndarray) -> np.ndarray:
    """Yuan amounts rounded to whole fen, never negative."""
    return np.maximum(np.rint(np.asarray(yuan) * 100), 0).astype(np.int64)


def money(cents: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """Fen as yuan strings with exactly two decimals, e.g. 123450 -> "1234.50"."""
    whole = pc.cast(pa.array(cents // 100), pa.string())
    fraction = pc.utf8_lpad(pc.cast(pa.array(cents % 100), pa.string()), width=2, padding="0")
    column = pc.binary_join_element_wise(whole, fraction, ".")
    return column if valid is None else masked(column, valid)


def dates(days: np.ndarray) -> pa.Array:
    """datetime64[D] as ``YYYY-MM-DD`` strings."""
    return pc.cast(pa.array(days.astype("datetime64[D]")), pa.string())


def labels(names: Sequence[str], index: np.ndarray) -> pa.Array:
    """``names[index]`` as a string column, without a Python loop over the rows."""
    return pa.array(list(names), pa.string()).take(pa.array(index))


def flags(values: np.ndarray) -> pa.Array:
    """Booleans as ``true`` / ``false``."""
    return labels(["false", "true"], values.astype(np.int64))


def prefixed(prefix: str, numbers: np.ndarray, *, width: int = 10) -> pa.Array:
    """Identifiers such as ``PE0000000001``."""
    digits = pc.utf8_lpad(text(numbers), width=width, padding="0")
    return pc.binary_join_element_wise(prefix, digits, "")
