"""Protection of published counts: primary suppression of 1..k-1 and secondary suppression so that
no suppressed count can be worked out from the published totals.

A table by dims D is published together with all its margins, because every margin is itself a table
anyone may ask for (the API answers `by=district` as readily as `by=district,age_group`). So the table
is protected level by level over the lattice of dim subsets, smallest first: the cells of a subset S
are decided knowing only the data and the already decided subsets of S. The table `by=district` is
therefore suppressed in exactly the same cells whether it is asked for alone or appears as the margin
of a bigger table, and combining answers reveals nothing a single answer does not.

Within a level: (1) primary - every count from 1 to k-1 is suppressed; (2) secondary - every relation
"margin = sum of its cells along one dim" that holds exactly one unknown gets a further suppressed cell;
(3) a check with linear algebra over all relations: a suppressed count
whose unit vector lies in the row space of the relations could be solved for, and gets a further
partner suppressed, until none can; (4) a check with bounds: a "•" is never a zero (zeros are
published as zeros), so every suppressed count is at least 1, and the relations together with that
bound must not pin any suppressed count to one value (column 9, •, 3, • with total 14 leaves 2 for two
cells >= 1: both are 1). `lattice.pinned_unknowns` narrows every unknown's range [1, inf) through the
relations (interval propagation; every step is a valid inequality, so what it pins is really
disclosed); a pinned count gets a partner like in (3), until none is pinned. Suppressed counts are None.

What counts as disclosed is an exact value. A primary cell whose range stays within 1..k-1 without
being pinned (for k = 3: "1 or 2") is not treated as disclosed: that it is small is exactly what the
"•" of a primary suppression already says. For k > 3 this lets a reader narrow a small count below
the k-1 possibilities; a stricter protection interval would be a policy change, not a fix.

A partner is the cheapest cell that protects: first one whose other relations already hold an unknown
(so hiding it forces no further partner), then the smallest count. Picking only the smallest count let
one lone "divers" cell pull a chain of large männlich/weiblich cells after it: its row's partner left a
column with one unknown, whose partner left a row with one unknown, and so on through the table.
"""
from __future__ import annotations

from collections import defaultdict

from caseapp.stats.lattice import Lattice, pinned_unknowns


def protect(rows: list[dict], dims, k: int) -> list[dict]:
    """The rows (cells of the table by `dims`) with suppressed counts set to None."""
    dims = tuple(dims)
    if k <= 1:
        return [dict(r) for r in rows]
    lattice = Lattice(rows, dims)
    suppressed = protect_lattice(lattice, k)
    hidden = suppressed[dims]
    return [{**r, "count": None if _key(r, dims) in hidden else r["count"]} for r in rows]


def protect_with_margins(rows: list[dict], dims, k: int) -> dict:
    """The table and every margin, protected together: {subset of dims: {key: count or None}}."""
    dims = tuple(dims)
    lattice = Lattice(rows, dims)
    suppressed = protect_lattice(lattice, k) if k > 1 else defaultdict(set)
    return {
        subset: {key: (None if key in suppressed[subset] else n) for key, n in table.items()}
        for subset, table in lattice.tables.items()
    }


def _key(row: dict, dims) -> tuple:
    return tuple(row[d] for d in dims)


def protect_lattice(lattice: Lattice, k: int) -> dict[tuple, set]:
    suppressed: dict[tuple, set] = defaultdict(set)
    for subset in lattice.subsets:
        table = lattice.tables[subset]
        suppressed[subset] = {key for key, n in table.items() if 0 < n < k}
        relations = lattice.relations_into(subset)
        _secondary(lattice, subset, relations, suppressed)
        _solve_check(lattice, subset, suppressed)
        _bounds_check(lattice, subset, suppressed)
    return suppressed


def _secondary(lattice: Lattice, subset, relations, suppressed) -> None:
    """Until no relation into `subset` has exactly one unknown, suppress its cheapest published cell."""
    table = lattice.tables[subset]
    cost = _partner_cost(lattice, subset, relations, suppressed)
    changed = True
    while changed:
        changed = False
        for parent_subset, parent_key, children in relations:
            unknown = sum(1 for c in children if c in suppressed[subset])
            unknown += parent_key in suppressed[parent_subset]
            if unknown == 1 and _suppress_partner(table, children, suppressed[subset], cost):
                changed = True


def _partner_cost(lattice: Lattice, subset, relations, suppressed):
    """cost(cell) for choosing partners: (relations the cell would leave with one unknown, its count)."""
    by_child: dict[tuple, list] = defaultdict(list)
    for rel in relations:
        for c in rel[2]:
            by_child[c].append(rel)
    table = lattice.tables[subset]

    def cost(cell):
        forced = 0
        for parent_subset, parent_key, children in by_child[cell]:
            others = parent_key in suppressed[parent_subset]
            others = others or any(c in suppressed[subset] for c in children if c != cell)
            forced += not others
        return (forced, table[cell], repr(cell))

    return cost


def _suppress_partner(table, children, hidden: set, cost=None) -> bool:
    candidates = [c for c in children if c not in hidden and table[c] > 0]
    if not candidates:
        return False
    hidden.add(min(candidates, key=cost or (lambda c: (table[c], repr(c)))))
    return True


def _solvable(lattice: Lattice, subset, suppressed) -> list[tuple]:
    return lattice.solvable_unknowns(subset, suppressed, 600)


def _bounds_check(lattice: Lattice, subset, suppressed) -> None:
    """Suppress further cells of `subset` while ">= 1" pins a suppressed count (step 4).

    Runs after the linear check: hiding a partner only adds unknowns, so it never makes a count
    solvable again. One propagation serves a whole round of partners (a propagation per partner took
    minutes on district x age group x nationality); a pinned count that shares a relation with a partner
    chosen in the same round waits for the next round, since that partner may already free it.
    """
    cost = _partner_cost(lattice, subset, lattice.relations_into(subset), suppressed)
    for _ in range(1000):
        pinned = pinned_unknowns(lattice, subset, suppressed)
        if not pinned:
            return
        table, added, progress = lattice.tables[subset], set(), False
        for var in pinned:
            rels = lattice.relations_touching(subset, var)
            children = sorted({c for rel in rels for c in rel[2]}, key=repr)
            if added & set(children):
                continue
            before = set(suppressed[subset])
            if _suppress_partner(table, children, suppressed[subset], cost) or \
                    _suppress_margin(lattice, subset, [var], suppressed):
                added |= suppressed[subset] - before
                progress = True
        if not progress:
            return


def _solve_check(lattice: Lattice, subset, suppressed, detect=_solvable) -> None:
    """Suppress further cells of `subset` while `detect` finds a suppressed count that can be worked out."""
    cost = _partner_cost(lattice, subset, lattice.relations_into(subset), suppressed)
    for _ in range(200):
        solvable = detect(lattice, subset, suppressed)
        if not solvable:
            return
        table = lattice.tables[subset]
        progress = False
        for var in solvable:
            # The cheapest partner over every relation that fixes this unknown, not the first one found.
            children = sorted(
                {c for rel in lattice.relations_touching(subset, var) for c in rel[2]}, key=repr
            )
            if _suppress_partner(table, children, suppressed[subset], cost):
                progress = True
                break
        if not progress:
            # A one-cell row or column ties this table to a margin already published (parent = its only
            # child): nothing left to hide here, so hide that margin too. This is the one case where a
            # margin inside a bigger table is hidden although the same margin alone is not.
            progress = _suppress_margin(lattice, subset, solvable, suppressed)
        if not progress:
            # Every count in the relations of the solvable unknown is hidden already, yet a combination
            # of other relations still fixes it (3 x 4 table: the total minus a published row margin and
            # a published column margin left one cell as 1). Hide the smallest published count of any
            # relation that holds an unknown, so that combination gets one more unknown.
            progress = _suppress_any_related(lattice, subset, suppressed)
        if not progress:
            return


def _suppress_any_related(lattice: Lattice, subset, suppressed) -> bool:
    """Hide the smallest published count (of this table first, then of its margins) in any relation of the
    tables done so far that holds a suppressed count."""
    done = lattice.subsets[: lattice.subsets.index(subset) + 1]
    candidates = []
    for s in done:
        for parent_subset, parent_key, children in lattice.relations_into(s):
            terms = [(s, c) for c in children] + [(parent_subset, parent_key)]
            if not any(key in suppressed[t] for t, key in terms):
                continue
            candidates += [(t != subset, lattice.tables[t][key], repr((t, key)), t, key)
                           for t, key in terms if key not in suppressed[t] and lattice.tables[t][key] > 0]
    if not candidates:
        return False
    *_, t, key = min(candidates)
    suppressed[t].add(key)
    return True


def _suppress_margin(lattice: Lattice, subset, solvable, suppressed) -> bool:
    """Hide the smallest published count in any relation (of the tables done so far) that fixes `solvable`."""
    done = lattice.subsets[: lattice.subsets.index(subset) + 1]
    for var in solvable:
        candidates = []
        for s in done:
            for parent_subset, parent_key, children in lattice.relations_into(s):
                if var not in [(s, c) for c in children] + [(parent_subset, parent_key)]:
                    continue
                candidates += [(lattice.tables[s][c], s, c) for c in children if c not in suppressed[s]]
                if parent_key not in suppressed[parent_subset]:
                    candidates.append((lattice.tables[parent_subset][parent_key], parent_subset, parent_key))
        candidates = [c for c in candidates if c[0] > 0]
        if candidates:
            # Smallest count first (comparing the repr compared 53 < 6 as text).
            _, s, key = min(candidates, key=lambda c: (c[0], repr(c)))
            suppressed[s].add(key)
            return True
    return False
