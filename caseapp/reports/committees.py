"""The three council committees a report can go to, with their German names and content builders."""
from __future__ import annotations

import importlib
from dataclasses import dataclass


class UnknownCommittee(ValueError):
    pass


@dataclass(frozen=True)
class Committee:
    slug: str
    name: str  # German, as printed on the title page ("Bericht an den ...")
    module: str  # caseapp.reports.content.<x>, exposing build(inputs) -> Content

    def builder(self):
        return importlib.import_module(self.module).build


COMMITTEES = {
    c.slug: c
    for c in (
        Committee("schule-sport", "Ausschuss für Schule und Sport", "caseapp.reports.content.schule_sport"),
        Committee("feuerwehr-ordnung", "Ausschuss für Feuerwehr und Ordnung",
                  "caseapp.reports.content.feuerwehr_ordnung"),
        Committee("jugendhilfe", "Jugendhilfeausschuss", "caseapp.reports.content.jugendhilfe"),
    )
}


def get_committee(slug: str) -> Committee:
    try:
        return COMMITTEES[(slug or "").strip().lower()]
    except KeyError:
        known = ", ".join(COMMITTEES)
        raise UnknownCommittee(
            f"Unbekannter Ausschuss „{(slug or '')[:30]}“. Möglich sind: {known}."
        ) from None
