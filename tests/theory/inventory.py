"""Textbook inventory-theory results with Poisson demand: oracles for capsim's policies.

Demand is a Poisson process of ``rate`` units per month; a lead time ``lead`` (months)
is fixed unless said otherwise; ``D_t`` is the demand over ``t`` months, Poisson with
mean ``rate * t``. The first-order loss function of a Poisson variable,
``E[(D - S)^+] = mean * P(D >= S) - S * P(D >= S + 1)`` (because
``E[D 1{D >= S+1}] = mean * P(D >= S)`` for a Poisson ``D``), gives every expectation
below in closed form (Zipkin 2000, §6.2; Hadley and Whitin 1963, §4-7).

Continuous-review base stock ``(S - 1, S)``, backorders
    Every demand triggers an order of one unit that arrives ``lead`` later, so the
    number of outstanding orders at any time is the demand over the last ``lead``
    months, ``D = D_lead`` (Palm's theorem: the M/G/inf queue; Zipkin 2000, §6.2.2;
    Hadley and Whitin 1963, ch. 4; Feeney and Sherbrooke 1966). Net inventory is
    ``S - D``, so at a random time (and, by PASTA, at a demand's arrival):

    * fill rate (fraction of demand met from stock at once) ``= P(D <= S - 1)``;
    * expected backorders ``= E[(D - S)^+]``;
    * expected on hand ``= E[(S - D)^+] = S - rate * lead + E[(D - S)^+]``;
    * probability of no stock on hand ``= P(D >= S)``.

Continuous-review base stock ``(S - 1, S)``, lost sales
    Each of the ``S`` units is either on the shelf or in resupply for ``lead``; a demand
    finding the shelf empty is lost and orders nothing. This is the Erlang loss system
    M/G/S/S with offered load ``a = rate * lead`` (Hadley and Whitin 1963, §4-11; Smith,
    "Optimal inventory for an (S-1, S) system with no backorders", *Management
    Science* 23(5), 1977). By the insensitivity of the Erlang loss formula
    (Sevastyanov 1957; Gross, Shortle, Thompson and Harris, *Fundamentals of Queueing
    Theory*, 4th ed., 2008, §6.2) the result holds for any lead-time distribution with
    mean ``lead``:

    * fraction of demand lost ``= B(S, a)``, Erlang's B formula;
    * fill rate ``= 1 - B(S, a)``;
    * expected on hand ``= S - a (1 - B(S, a))`` (``S`` minus the mean busy servers).

Periodic-review order-up-to ``(R, S)``, backorders
    Every ``review`` months the inventory position is raised to ``S``; the order arrives
    ``lead`` later. An order placed at review ``k`` covers demand until the next order
    arrives, at ``kR + R + L``, so net inventory just before an arrival (the end of a
    period) is ``S - D_{R+L}`` (Zipkin 2000, §6.7; Silver, Pyke and Peterson, *Inventory
    Management and Production Planning and Scheduling*, 3rd ed., 1998, §7.4-7.7):

    * expected backorders at the end of a period ``= E[(D_{R+L} - S)^+]``;
    * probability of a stockout in a period ``= P(D_{R+L} > S)``: within a period net
      inventory only falls, so a demand goes unmet at once iff the period ends short;
    * expected shortage per replenishment cycle (Silver, Pyke and Peterson's ESPRC,
      exact for backorders) ``= E[(D_{R+L} - S)^+] - E[(D_L - S)^+]``: the backorders
      at the end of the cycle less those still owed when it starts;
    * fill rate ``= 1 - ESPRC / (rate * review)`` (SPP eq. 7.21 with its
      backorder-correction term);
    * ``t`` months after a review whose order has arrived (``L <= t <= R + L``), net
      inventory is ``S - D_t``: see :func:`backorders_after`.

All quantities are in units; rates in units per month; times in months.
"""

from __future__ import annotations

from dataclasses import dataclass

from scipy.stats import poisson


@dataclass(frozen=True)
class BaseStock:
    """Steady-state figures of a continuous-review base-stock system, in units."""

    fill_rate: float
    """Fraction of demand met from stock at once."""
    backorders: float
    """Expected backorders at a random time (0 with lost sales)."""
    on_hand: float
    """Expected stock on hand at a random time."""
    stockout_probability: float
    """Probability that there is no stock on hand at a random time."""


@dataclass(frozen=True)
class OrderUpTo:
    """Steady-state figures of a periodic-review order-up-to system, in units."""

    end_of_period_backorders: float
    """Expected backorders just before an order arrives."""
    end_of_period_on_hand: float
    """Expected stock on hand just before an order arrives."""
    stockout_probability: float
    """Probability that some demand in a replenishment cycle is not met at once."""
    shortage_per_cycle: float
    """Expected demand not met at once in a cycle (Silver-Pyke-Peterson's ESPRC)."""
    fill_rate: float
    """Fraction of demand met from stock at once."""


def loss(level: int, mean: float) -> float:
    """Poisson first-order loss ``E[(D - level)^+]`` for ``D ~ Poisson(mean)``.

    >>> round(loss(0, 3.0), 12), round(loss(2, 1.0), 6)
    (3.0, 0.103638)
    """
    return float(mean * poisson.sf(level - 1, mean) - level * poisson.sf(level, mean))


def backorders_after(level: int, rate: float, months: float) -> float:
    """Expected backorders ``E[(D_t - level)^+]`` with ``D_t ~ Poisson(rate * months)``."""
    return loss(level, rate * months)


def base_stock_backorders(level: int, rate: float, lead: float) -> BaseStock:
    """Continuous-review ``(S - 1, S)`` with backorders; ``level`` is ``S``.

    >>> result = base_stock_backorders(22, rate=10.0, lead=2.0)
    >>> round(result.fill_rate, 4), round(result.backorders, 4), round(result.on_hand, 4)
    (0.6437, 0.9795, 2.9795)
    """
    mean = rate * lead
    backorders = loss(level, mean)
    return BaseStock(
        fill_rate=float(poisson.cdf(level - 1, mean)),
        backorders=backorders,
        on_hand=level - mean + backorders,
        stockout_probability=float(poisson.sf(level - 1, mean)),
    )


def erlang_b(servers: int, load: float) -> float:
    """Erlang's loss formula ``B(servers, load)``, by the stable recursion.

    ``B(0, a) = 1``, ``B(n, a) = a B(n-1, a) / (n + a B(n-1, a))``.

    >>> round(erlang_b(1, 1.0), 6), round(erlang_b(2, 1.0), 6)
    (0.5, 0.2)
    """
    blocking = 1.0
    for n in range(1, servers + 1):
        blocking = load * blocking / (n + load * blocking)
    return blocking


def base_stock_lost_sales(level: int, rate: float, lead: float) -> BaseStock:
    """Continuous-review ``(S - 1, S)`` with lost sales; ``level`` is ``S``.

    >>> result = base_stock_lost_sales(22, rate=10.0, lead=2.0)
    >>> round(result.fill_rate, 4), round(result.on_hand, 4)
    (0.8933, 4.1347)
    """
    load = rate * lead
    blocking = erlang_b(level, load)
    return BaseStock(
        fill_rate=1.0 - blocking,
        backorders=0.0,
        on_hand=level - load * (1.0 - blocking),
        stockout_probability=blocking,  # time-stationary = arrival-stationary (PASTA)
    )


def order_up_to_backorders(level: int, rate: float, review: float, lead: float) -> OrderUpTo:
    """Periodic-review ``(R, S)`` with backorders; ``level`` is ``S``, ``review`` is ``R``.

    >>> result = order_up_to_backorders(35, rate=10.0, review=1.0, lead=2.0)
    >>> round(result.fill_rate, 4), round(result.end_of_period_backorders, 4)
    (0.9429, 0.5723)
    """
    mean = rate * (review + lead)
    at_end = loss(level, mean)
    shortage = at_end - loss(level, rate * lead)
    return OrderUpTo(
        end_of_period_backorders=at_end,
        end_of_period_on_hand=level - mean + at_end,
        stockout_probability=float(poisson.sf(level, mean)),
        shortage_per_cycle=shortage,
        fill_rate=1.0 - shortage / (rate * review),
    )
