"""The disclosure test harness for published population figures: builds every table a reader gets (the
statistics page's tables, pyramid and map, the API's one- to three-way tables, a report's filtered
table) on two days, by the old method (secondary suppression) or the cell-key method, and measures
information loss and what an attacker can recover exactly.

The attacker knows every published table of both days, that a table's cells add up to its margins, that
a "•" (old method) is at least 1, and for the cell-key method the perturbation table itself: which true
counts can give a published one (cellkey.bounds). A value is recovered when interval propagation over
all those relations pins it to one number although it was not printed as itself (hidden or
perturbed). Sound, not complete: a linear program could pin more in rare three-way cases
(docs/security.md). Differencing: a cell's change between the two days is recovered when both days pin
it, or when both are printed exactly (old method). Used by tests/test_stats_disclosure_harness.py (CI,
small city) and bench/bench_disclosure.py (45,000 persons).
"""
from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field
from itertools import combinations

from caseapp.stats import cellkey, queries
from caseapp.stats.dims import DIMS
from caseapp.stats.lattice import subsets_of
from caseapp.stats.suppression import protect_with_margins

THREE_WAY = (("district", "age_group", "sex"), ("district", "age_group", "nationality"),
             ("age_group", "sex", "housing"), ("district", "status", "housing"))
MINOR_GROUPS = ("0-2", "3-5", "6-9", "10-15", "16-17")


def table_specs() -> list[tuple[tuple, tuple]]:
    """(dims, filtered age groups or ()) of every published table: API one- and two-way tables (the page's
    tables, pyramid age x sex and map by district among them), some three-way ones, a report's minors."""
    specs = [((d,), ()) for d in DIMS] + [(c, ()) for c in combinations(DIMS, 2)]
    specs += [(t, ()) for t in THREE_WAY]
    return specs + [(("district", "age_group"), MINOR_GROUPS)]


@dataclass
class Published:
    """cell -> (true count, published value); a cell is frozenset of (dim, value) plus the age filter."""

    cells: dict = field(default_factory=dict)
    occurrences: list = field(default_factory=list)  # (true, published) of every cell of every table
    relations: list = field(default_factory=list)  # (parent cell, [child cells])


def _cell(dims, key, ages) -> tuple:
    return (frozenset(zip(dims, key, strict=True)), ages if "age_group" not in dims else ())


def publish_day(day, method: str, k: int) -> Published:
    out = Published()
    for dims, ages in table_specs():
        rows = queries.keyed_population(day, dims, filters={"age_group": list(ages)} if ages else None)
        tables = _tables(rows, dims, method, k)
        truth = _truth(rows, dims)
        for subset, table in tables.items():
            for key, value in table.items():
                cell, n = _cell(subset, key, ages), truth[subset][key]
                out.occurrences.append((n, value))
                if out.cells.get(cell, (n, None))[1] is None:  # another table may print what this one hides
                    out.cells[cell] = (n, value)
            for d in subset:
                parent = tuple(x for x in subset if x != d)
                groups = defaultdict(list)
                for key in table:
                    groups[tuple(key[subset.index(x)] for x in parent)].append(_cell(subset, key, ages))
                out.relations += [(_cell(parent, pk, ages), children) for pk, children in groups.items()]
    return out


def _truth(rows, dims) -> dict:
    out: dict = {}
    for subset in subsets_of(dims):
        table: dict = defaultdict(int)
        for r in rows:
            table[tuple(r[d] for d in subset)] += r["count"]
        out[subset] = table
    return out


def _tables(rows, dims, method: str, k: int) -> dict:
    if method == "suppression":
        return protect_with_margins(rows, dims, k)
    out = {}
    for subset in subsets_of(dims):
        sums: dict = defaultdict(lambda: [0, 0])
        for r in rows:
            cell = sums[tuple(r[d] for d in subset)]
            cell[0] += r["count"]
            cell[1] += r["key"]
        out[subset] = {key: cellkey.perturb(n, ks, k) for key, (n, ks) in sums.items()}
    return out


def information_loss(pub: Published, k: int) -> dict:
    cells = [(n, v) for n, v in pub.occurrences if n > 0]
    hidden = [n for n, v in cells if v is None]
    shown = [(n, v) for n, v in cells if v is not None]
    totals = [v for c, (n, v) in pub.cells.items() if not c[0] and not c[1]]
    return {
        "cells": len(cells),
        "hidden": len(hidden) / len(cells),
        "hidden_beyond_threshold": sum(1 for n in hidden if n >= k) / len(cells),
        "changed": sum(1 for n, v in shown if v != n) / len(cells),
        "mean_abs_change": sum(abs(v - n) for n, v in shown) / max(len(shown), 1),
        "city_total_published": bool(totals) and all(v is not None for v in totals),
    }


def _bounds(value, method: str, k: int) -> list:
    if method == "suppression":
        return [1, float("inf")] if value is None else [value, value]
    return list(cellkey.bounds(value, k))


def attack(pub: Published, method: str, k: int) -> dict:
    """cell -> [lo, hi] after interval propagation over every published relation."""
    bounds = {c: _bounds(v, method, k) for c, (_n, v) in pub.cells.items()}
    by_cell = defaultdict(list)
    for i, (parent, children) in enumerate(pub.relations):
        for c in (parent, *children):
            by_cell[c].append(i)
    queue, queued = deque(range(len(pub.relations))), set(range(len(pub.relations)))
    while queue:
        i = queue.popleft()
        queued.discard(i)
        parent, children = pub.relations[i]
        lo_sum = sum(bounds[c][0] for c in children)
        hi_sum = sum(bounds[c][1] for c in children)
        moved = []
        if _narrow(bounds[parent], lo_sum, hi_sum):
            moved.append(parent)
        p_lo, p_hi = bounds[parent]
        for c in children:
            lo, hi = bounds[c]
            if _narrow(bounds[c], p_lo - (hi_sum - hi), p_hi - (lo_sum - lo)):
                moved.append(c)
        for c in moved:
            for j in by_cell[c]:
                if j not in queued:
                    queue.append(j)
                    queued.add(j)
    return bounds


def _narrow(bound: list, lo, hi) -> bool:
    changed = False
    if lo > bound[0]:
        bound[0], changed = lo, True
    if hi < bound[1]:
        bound[1], changed = hi, True
    return changed


def disclosure(day1: Published, day2: Published, method: str, k: int) -> dict:
    """Recovered hidden or perturbed values on each day, and small changes (1 or 2) recovered exactly."""
    out = {"recovered": 0, "changes_recovered": 0, "small_changes": 0}
    known = []
    for pub in (day1, day2):
        bounds = attack(pub, method, k)
        known.append(bounds)
        out["recovered"] += sum(1 for c, (n, v) in pub.cells.items()
                                if n > 0 and v != n and bounds[c][0] == bounds[c][1])
    for c, (n2, _v2) in day2.cells.items():
        n1 = day1.cells.get(c, (0, 0))[0]
        if 1 <= abs(n2 - n1) <= 2:
            out["small_changes"] += 1
            b1, b2 = known[0].get(c, [0, 0]), known[1][c]
            if b1[0] == b1[1] and b2[0] == b2[1]:
                out["changes_recovered"] += 1
    return out


def evaluate(day1, day2, method: str, k: int) -> dict:
    first, second = publish_day(day1, method, k), publish_day(day2, method, k)
    return {"loss": information_loss(second, k), **disclosure(first, second, method, k)}
