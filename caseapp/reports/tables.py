"""Turns statistics rows into protected report tables: district x age group crosstabs with margins."""
from __future__ import annotations

from caseapp.reports.blocks import Table
from caseapp.stats.publish import SUPPRESSED, protect_table

MINOR_GROUPS_MAX_AGE = 17

__all__ = ["crosstab", "printed", "printed_values", "protected_lattice"]


def protected_lattice(rows: list[dict], dims, k: int) -> dict:
    """The table by `dims` and all its margins, protected together by the dashboards' rule.

    Reports go to a public committee, so they are always protected, whoever requests them.
    {(): {(): n}, ("district",): {("07",): n or None}, ("district", "age_group"): {...}}.
    The same function as the dashboards, exports and API, so a hidden count is never left derivable from
    "every hidden count is at least 1" there either (caseapp.stats.suppression, step 4).
    """
    return protect_table(rows, dims, k)


def printed(table: dict, key: tuple):
    """A protected count as printed: the marker when suppressed, None (printed '–') when no case."""
    if key not in table:
        return None
    value = table[key]
    if value is None:
        return SUPPRESSED
    return value or None


def minor_groups(groups) -> list[str]:
    return [g.label for g in groups if g.upper is not None and g.upper <= MINOR_GROUPS_MAX_AGE]


def age_label(label: str) -> str:
    """'3-5' -> '3–5 Jahre', '65+' -> '65 Jahre und älter' (en dash, German)."""
    if label.endswith("+"):
        return f"{label[:-1]} Jahre und älter"
    return label.replace("-", "\u2013") + " Jahre"


def crosstab(lattice: dict, *, row_dim: str, col_dim: str, row_keys: list, col_keys: list, row_names: dict,
             caption: str, row_head: str, note: str | None = None) -> Table:
    """One row per row key, one column per column key, a total column and a total row, all protected."""
    cells = lattice[(row_dim, col_dim)]
    by_row, by_col, grand = lattice[(row_dim,)], lattice[(col_dim,)], lattice[()]
    rows = [
        [row_names.get(rk, rk)] + [printed(cells, (rk, ck)) for ck in col_keys] + [printed(by_row, (rk,))]
        for rk in row_keys
    ]
    total = ["Insgesamt"] + [printed(by_col, (ck,)) for ck in col_keys] + [printed(grand, ())]
    columns = [row_head] + [age_label(c) if col_dim == "age_group" else str(c) for c in col_keys] + ["Summe"]
    return Table(caption=caption, columns=columns, rows=rows, total=total, note=note)


def printed_values(table: dict) -> dict:
    """First key part -> count for charts and maps; None where suppressed (the charts draw "•")."""
    return {key[0] if key else None: value for key, value in table.items()}
