"""Committee reports are accessible PDFs (PDF/UA-1): tagged, language and title set, every chart a
Figure with its alternative text; a running period says "vorläufig"; reference date and extraction
date are told apart."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from caseapp.reports.committees import COMMITTEES
from tests.test_reports_content import _render, city  # noqa: F401 (the fixture)


def _structure(node, out: list) -> list:
    """Every structure element under `node` as (type, alternative text)."""
    node = node.get_object()
    if "/S" in node:
        out.append((str(node["/S"]), node.get("/Alt")))
    kids = node.get("/K")
    for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if hasattr(kid, "keys"):
            _structure(kid, out)
    return out


@pytest.mark.parametrize("slug", sorted(COMMITTEES))
def test_every_report_is_a_tagged_pdf_with_alternative_texts(app, city, slug):  # noqa: F811
    data, _ = _render(slug)
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and root["/Lang"] == "de"
    assert b"pdfuaid" in root["/Metadata"].get_object().get_data()
    elements = _structure(root["/StructTreeRoot"], [])
    kinds = {kind for kind, _ in elements}
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/Figure"} <= kinds, kinds
    figures = [alt for kind, alt in elements if kind == "/Figure"]
    assert figures and all(alt and len(str(alt)) > 10 for alt in figures), figures


def test_a_running_period_is_marked_provisional_and_names_both_dates(app, city):  # noqa: F811
    _, text = _render("jugendhilfe")  # the running month (tests.test_reports_content.PERIOD)
    flat = " ".join(text.split())
    assert "vorläufig" in flat and "Vorläufige Zahlen" in flat
    assert "Stichtag" in flat and "Datenstand" in flat


def test_page_one_carries_the_key_figures_with_their_changes(app, city):  # noqa: F811
    for slug in sorted(COMMITTEES):
        _, text = _render(slug)
        flat = " ".join(text.split())
        assert "1. Das Wichtigste" in flat, slug  # the first chapter, right after the contents
        for label in ("Personen insgesamt", "davon Minderjährige", "in Gemeinschaftsunterkünften",
                      "Zuzüge im Zeitraum", "Veränderung zum Vormonat", "Veränderung zum Vorjahr"):
            assert label in flat, (slug, label)
        assert "mehr als im Vormonat" in flat or "so viele wie im Vormonat" in flat, slug
