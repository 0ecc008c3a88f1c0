"""A table of counts with all its margins (the lattice of dim subsets) and the linear relations between
them; answers which unknown (suppressed) counts the published ones would let someone solve for."""
from __future__ import annotations

from collections import defaultdict
from itertools import combinations

import numpy as np


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
        var_subset, var_key = var
        return [rel for rel in self.relations_into(subset)
                if (var_subset == subset and var_key in rel[2]) or (rel[0] == var_subset and rel[1] == var_key)]

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
