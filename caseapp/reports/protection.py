"""Closes a gap of the dashboards' suppression for printed report tables: a suppressed count can also be
worked out from the fact that it is at least 1 (a zero is printed as "–", so "•" means 1 or more).

Example: a column 9, •, 3, • with "Insgesamt 14" leaves 2 for the two hidden cells; both must be 1.
caseapp.stats.suppression only asks whether the equations "margin = sum of its cells" fix a hidden count,
not whether they fix it together with "every hidden count >= 1". Here every hidden count gets the bounds
[1, unbounded) and the equations narrow them (interval propagation, the "shuttle" method; for one-way
and two-way tables with their margins it finds the same bounds as linear programming). A hidden count
whose lower and upper bound meet, or that the equations alone fix, gets a further partner hidden: the
smallest published positive count of an equation it is part of, the margin if no cell is left.
"""
from __future__ import annotations

from math import isnan

from caseapp.stats.lattice import Lattice

INF = float("inf")


def close_gaps(lattice: Lattice, protected: dict) -> dict:
    """`protected` ({subset: {key: count or None}}) with further counts hidden until none can be derived."""
    hidden = {subset: {key for key, n in table.items() if n is None} for subset, table in protected.items()}
    if not any(hidden.values()):
        return protected
    equations = [(parent, pk, subset, children) for subset in lattice.subsets
                 for parent, pk, children in lattice.relations_into(subset)]
    for _ in range(500):
        disclosed = _disclosed(lattice, equations, hidden)
        if not disclosed or not _hide_partner(lattice, equations, hidden, disclosed):
            break
    return {subset: {key: (None if key in hidden[subset] else n) for key, n in table.items()}
            for subset, table in lattice.tables.items()}


def _disclosed(lattice: Lattice, equations, hidden) -> list[tuple]:
    """Hidden counts (subset, key) that the published counts and "each hidden count >= 1" determine."""
    bounds = {(s, key): [1.0, INF] for s, keys in hidden.items() for key in keys}

    def value(s, key):
        return bounds[(s, key)] if key in hidden[s] else (lattice.tables[s][key],) * 2

    for _ in range(100):
        changed = False
        for parent, pk, subset, children in equations:
            terms = [((subset, c), value(subset, c)) for c in children]
            total = value(parent, pk)
            lo_sum = sum(b[0] for _, b in terms)
            hi_sum = sum(b[1] for _, b in terms)
            if pk in hidden[parent]:
                changed |= _narrow(bounds[(parent, pk)], lo_sum, hi_sum)
            for var, b in terms:
                if var in bounds:
                    changed |= _narrow(bounds[var], total[0] - (hi_sum - b[1]), total[1] - (lo_sum - b[0]))
        if not changed:
            break
    fixed = [var for var, (lo, hi) in bounds.items() if lo == hi]
    return sorted(set(fixed) | set(lattice.solvable_unknowns(lattice.subsets[-1], hidden, 600)), key=repr)


def _narrow(bound: list, lo: float, hi: float) -> bool:
    # inf - inf is nan: no information, keep the bound.
    changed = False
    if not isnan(lo) and lo > bound[0]:
        bound[0], changed = lo, True
    if not isnan(hi) and hi < bound[1]:
        bound[1], changed = hi, True
    return changed


def _hide_partner(lattice: Lattice, equations, hidden, disclosed) -> bool:
    for s, key in disclosed:
        for parent, pk, subset, children in equations:
            if not ((subset == s and key in children) or (parent == s and pk == key)):
                continue
            cells = [(lattice.tables[subset][c], subset, c) for c in children if c not in hidden[subset]]
            cells = [c for c in cells if c[0] > 0]
            if not cells and pk not in hidden[parent] and lattice.tables[parent][pk] > 0:
                cells = [(lattice.tables[parent][pk], parent, pk)]
            if cells:
                _, where, which = min(cells, key=lambda c: (c[0], repr(c[1:])))
                hidden[where].add(which)
                return True
    return False
