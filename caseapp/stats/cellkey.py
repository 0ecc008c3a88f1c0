"""The cell-key method for published counts (as the ONS package `cell-key-perturbation` and the Zensus 2022
apply it): every person carries a fixed random record key 0..255; a cell's key is the sum of its persons'
record keys mod 256; the published count is the true count plus the noise the perturbation table (ptable)
gives for (count, cell key).

So the same persons always give the same published figure, whichever table, filter, page, report or
date it appears in (no averaging over repeated requests), and a cell that gains or loses anyone gets a
new, independent draw (differencing two days shows that something changed, not by how much).

The ptable here is designed for caseapp (docs/security.md, "Published figures"):
- zero stays zero (an empty cell is not listed); a count from 1 to k-1 is published as k, k+1 or k+2
  (128, 77 and 51 of the 256 cell keys), so no 1 or 2 is ever printed. Hiding them instead ("•" for
  "1 or 2") lets a reader pin them: a "•" margin over two "•" cells is at least 2, so it is 2 and both
  cells are 1 (the harness found such cells in every demo city);
- a count n >= k gets noise d with P(0) = 102/256, P(±1) = 51/256 each, P(±2) = 21/256, P(±3) = 3/256,
  P(±4) = P(±5) = 1/256 each (mean 0, mean |d| 0.87); the rare wide tails keep a reader who knows the
  table's range from pinning a count through a margin, which needs every cell of that relation at an
  extreme at once;
- a published count is never below k: a draw that would fall below is published as k (counts k to
  k+4 are therefore biased upwards by at most 0.5 on average);
- per count the 256 cell keys get the noise values in an order shuffled by a fixed seed, so the noise
  of n and n+1 under the same cell key are unrelated; counts above 750 reuse the rows 501-750 (pcv).
"""
from __future__ import annotations

import random
from functools import cache

KEYS = 256
MAX_PCV = 750
# noise value -> number of the 256 cell keys that draw it
NOISE = {0: 102, 1: 51, -1: 51, 2: 21, -2: 21, 3: 3, -3: 3, 4: 1, -4: 1, 5: 1, -5: 1}
# a small count (1 to k-1) is published as k + j: j -> number of cell keys
SMALL = {0: 128, 1: 77, 2: 51}
MAX_NOISE = max(NOISE)
SEED = "caseapp-ptable-1"


def pcv(n: int) -> int:
    """The ptable row of a count: the count itself up to 750, then cycling through 501-750 (as ONS)."""
    return n if n <= MAX_PCV else 501 + (n - 501) % 250


@cache
def ptable(k: int) -> tuple[tuple[int, ...], ...]:
    """ptable[pcv][cell key] -> noise, for pcv 0..750 (rows 0..k-1 unused: those counts are hidden)."""
    values = [d for d, times in sorted(NOISE.items()) for _ in range(times)]
    small = [j for j, times in sorted(SMALL.items()) for _ in range(times)]
    assert len(values) == len(small) == KEYS
    rows = []
    for row in range(MAX_PCV + 1):
        drawn = (values if row >= k else small)[:]
        random.Random(f"{SEED}:{row}").shuffle(drawn)
        if row == 0:
            rows.append((0,) * KEYS)
        elif row < k:
            rows.append(tuple(k + j - row for j in drawn))
        else:
            rows.append(tuple(max(d, k - row) for d in drawn))
    return tuple(rows)


def perturb(n: int, key_sum: int, k: int) -> int:
    """The published count of a cell with n persons whose record keys add up to key_sum (0 or >= k)."""
    if n <= 0:
        return 0
    return n + ptable(k)[pcv(n)][key_sum % KEYS]


@cache
def bounds(published: int, k: int) -> tuple[int, int]:
    """The smallest and largest true count a reader who knows the ptable could infer from a published one."""
    if published == 0:
        return 0, 0
    table = ptable(k)
    possible = [n for n in range(1, published + MAX_NOISE + 1) if published - n in set(table[pcv(n)])]
    return min(possible), max(possible)
