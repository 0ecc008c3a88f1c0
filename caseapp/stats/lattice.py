"""A table of counts with all its margins (the lattice of dim subsets) and the linear relations between
them; answers which unknown (suppressed) counts the published ones would let someone solve for."""
from __future__ import annotations

from collections import defaultdict, deque
from itertools import combinations

import numpy as np

INF = float("inf")


def subsets_of(dims) -> list[tuple]:
    """All subsets of dims (in dims order), smallest first; the empty tuple is the grand total."""
    return [c for n in range(len(dims) + 1) for c in combinations(dims, n)]


class Lattice:
    def __init__(self, rows, dims):
        self.dims = tuple(dims)
        self.subsets = subsets_of(self.dims)
        self.tables: dict[tuple, dict[tuple, int]] = {}
        full: dict[tuple, int] = defaultdict(int)
        for row in rows:
            if row["count"]:
                full[tuple(row[d] for d in self.dims)] += int(row["count"])
        for subset in self.subsets:
            idx = [self.dims.index(d) for d in subset]
            table: dict[tuple, int] = defaultdict(int)
            for key, n in full.items():
                table[tuple(key[i] for i in idx)] += n
            self.tables[subset] = dict(table)
        self._relations: dict[tuple, list] = {}
        self._touching: dict[tuple, dict] = {}

    def relations_into(self, subset) -> list[tuple]:
        """[(parent subset, parent key, [child keys of `subset`])]: parent = sum of the children."""
        if subset not in self._relations:
            out = []
            for d in subset:
                parent = tuple(x for x in subset if x != d)
                pos = [subset.index(x) for x in parent]
                groups: dict[tuple, list] = defaultdict(list)
                for key in self.tables[subset]:
                    groups[tuple(key[i] for i in pos)].append(key)
                out += [(parent, pk, sorted(children, key=repr)) for pk, children in sorted(
                    groups.items(), key=lambda kv: repr(kv[0]))]
            self._relations[subset] = out
        return self._relations[subset]

    def relations_touching(self, subset, var) -> list[tuple]:
        """Relations into `subset` in which `var` = (its subset, its key) appears."""
        if subset not in self._touching:
            index: dict[tuple, list] = defaultdict(list)
            for rel in self.relations_into(subset):
                index[(rel[0], rel[1])].append(rel)
                for c in rel[2]:
                    index[(subset, c)].append(rel)
            self._touching[subset] = index
        return self._touching[subset].get(var, [])

    def solvable_unknowns(self, upto, suppressed, limit: int) -> list[tuple]:
        """Suppressed counts (subset, key) that the relations of all subsets up to `upto` determine.

        Each relation "parent - sum(children) = 0" restricted to the unknowns is one row of a matrix;
        an unknown is determined exactly when the null space of that matrix is zero in its
        coordinate. Connected groups of unknowns are solved separately; a group larger than `limit`
        is left to the single-relation rule (documented limitation).
        """
        done = self.subsets[: self.subsets.index(upto) + 1]
        equations = []
        for subset in done:
            for parent, pk, children in self.relations_into(subset):
                terms = [((subset, c), -1.0) for c in children if c in suppressed[subset]]
                if pk in suppressed[parent]:
                    terms.append(((parent, pk), 1.0))
                if terms:
                    equations.append(terms)
        # Union-find over unknowns that share an equation.
        root: dict[tuple, tuple] = {}

        def find(v):
            while root.setdefault(v, v) != v:
                root[v] = root[root[v]]
                v = root[v]
            return v

        for terms in equations:
            first = find(terms[0][0])
            for var, _ in terms[1:]:
                root[find(var)] = first
        components: dict[tuple, list] = defaultdict(list)
        for terms in equations:
            components[find(terms[0][0])].append(terms)
        solvable = []
        for eqs in components.values():
            variables = sorted({v for terms in eqs for v, _ in terms}, key=repr)
            if len(variables) > limit:
                continue
            index = {v: i for i, v in enumerate(variables)}
            matrix = np.zeros((len(eqs), len(variables)))
            for row, terms in enumerate(eqs):
                for var, coef in terms:
                    matrix[row, index[var]] += coef
            solvable += [variables[i] for i in _determined(matrix)]
        return sorted(solvable, key=repr)


def _determined(matrix: np.ndarray) -> list[int]:
    """Column indices whose value the homogeneous system fixes (null space zero in that coordinate)."""
    _, s, vt = np.linalg.svd(matrix, full_matrices=True)
    rank = int((s > 1e-9).sum())
    null = vt[rank:]
    if null.shape[0] == 0:
        return list(range(matrix.shape[1]))
    return [i for i in range(matrix.shape[1]) if np.abs(null[:, i]).max() < 1e-9]


def pinned_unknowns(lattice: Lattice, upto, suppressed) -> list[tuple]:
    """Suppressed counts (subset, key) whose value follows from the published counts, the relations of
    all subsets up to `upto` and the fact that every suppressed count is at least 1.

    A "•" is never a zero (zeros are printed), so each unknown starts with the bounds [1, inf) and every
    relation "parent = sum(children)" narrows them: a child is at least parent_lo - sum(others' hi) and
    at most parent_hi - sum(others' lo); the parent lies between the sums of its children's bounds
    (interval propagation, the "shuttle" method). Each narrowing only uses valid inequalities, so a
    bound it finds holds for every filling; an unknown whose bounds meet is disclosed. Only relations
    holding an unknown take part, so the cost grows with the suppressed cells, not the table.

    Sound but not complete: for one- and two-way tables with their margins it found every pinned count
    in the exact search of tests/test_stats_disclosure.py. In three-way tables a count can be pinned only
    by a combination of relations (e.g. p + 2r = 4 from three of them), which propagation one relation at
    a time does not see; closing that needs a linear program per unknown (not done; no LP solver here).
    """
    done = lattice.subsets[: lattice.subsets.index(upto) + 1]
    bounds = {(s, key): [1, INF] for s in done for key in suppressed[s]}
    equations = []  # (hidden parent or None, printed parent value, sum of printed children, hidden children)
    for subset in done:
        table = lattice.tables[subset]
        for parent, pk, children in lattice.relations_into(subset):
            hidden = [(subset, c) for c in children if c in suppressed[subset]]
            parent_hidden = pk in suppressed[parent]
            if hidden or parent_hidden:
                printed = sum(table[c] for c in children if c not in suppressed[subset])
                equations.append(((parent, pk) if parent_hidden else None, lattice.tables[parent][pk],
                                  printed, hidden))
    by_var = defaultdict(list)
    for i, (parent, _, _, hidden) in enumerate(equations):
        for var in hidden + ([parent] if parent else []):
            by_var[var].append(i)
    # A work list: an equation is looked at again only when a bound in it moved.
    queue, queued = deque(range(len(equations))), set(range(len(equations)))
    budget = 50 * len(equations) + 1000
    while queue and budget:
        budget -= 1
        i = queue.popleft()
        queued.discard(i)
        parent, value, printed, hidden = equations[i]
        los = [bounds[v][0] for v in hidden]
        his = [bounds[v][1] for v in hidden]
        lo_sum = printed + sum(los)
        unbounded = sum(h == INF for h in his)
        hi_sum = INF if unbounded else printed + sum(his)
        moved = []
        if parent:
            if _narrow(bounds[parent], lo_sum, hi_sum):
                moved.append(parent)
            total_lo, total_hi = bounds[parent]
        else:
            total_lo = total_hi = value
        for var, lo, hi in zip(hidden, los, his, strict=True):
            # The other children's upper bounds: unbounded if any other one is.
            rest_hi = INF if unbounded - (hi == INF) else hi_sum - hi if hi != INF else printed + sum(
                h for h in his if h != INF)
            new_lo = total_lo - rest_hi if rest_hi != INF else 1
            new_hi = total_hi - (lo_sum - lo) if total_hi != INF else INF
            if _narrow(bounds[var], new_lo, new_hi):
                moved.append(var)
        for var in moved:
            for j in by_var[var]:
                if j not in queued:
                    queue.append(j)
                    queued.add(j)
    return sorted((var for var, (lo, hi) in bounds.items() if lo >= hi), key=repr)


def _narrow(bound: list, lo, hi) -> bool:
    changed = False
    if lo > bound[0]:
        bound[0], changed = lo, True
    if hi < bound[1]:
        bound[1], changed = hi, True
    return changed
