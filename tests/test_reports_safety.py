"""The report renderer loads only the project's own files, and periods are checked with German errors."""
from __future__ import annotations

from datetime import date

import pytest

from caseapp.reports.fetcher import STATIC_DIR, RefusedURL, SafeURLFetcher
from caseapp.reports.periods import PeriodError, parse_period, previous_month
from caseapp.reports.render import render_document
from caseapp.reports.typography import german_date, number, percent


@pytest.mark.parametrize("url", [
    "http://example.org/logo.png",
    "https://127.0.0.1:6379/",
    "ftp://example.org/x.css",
    "file:///etc/passwd",
    "file://localhost/etc/hostname",
    STATIC_DIR.as_uri() + "/../fetcher.py",
    STATIC_DIR.as_uri() + "/fonts/../../models.py",
    "file://evil.example.org" + str(STATIC_DIR / "report.css"),
])
def test_fetcher_refuses_network_and_files_outside_static(url):
    fetcher = SafeURLFetcher()
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_fetcher_serves_the_shipped_css_and_fonts():
    fetcher = SafeURLFetcher()
    css = fetcher.fetch(STATIC_DIR.as_uri() + "/report.css")
    assert b"@font-face" in css.read()
    font = fetcher.fetch(STATIC_DIR.as_uri() + "/fonts/DejaVuSans.ttf")
    assert font.read(4) == b"\x00\x01\x00\x00"  # a TrueType file


def test_a_hostile_template_value_cannot_pull_in_a_local_file(tmp_path):
    """An <img>/<link> to a file outside static is left out of the PDF, and the attempt is reported."""
    from caseapp.reports.render import jinja_env

    secret = tmp_path / "secret.css"
    secret.write_text("body::before { content: 'GEHEIMNIS-123'; }")
    env = jinja_env()
    template = env.from_string(
        '<html lang="de"><head><link rel="stylesheet" href="{{ css }}"></head>'
        '<body><p>Inhalt</p><img src="http://example.org/x.png"></body></html>'
    )
    html = template.render(css=secret.as_uri())
    from weasyprint import HTML

    fetcher = SafeURLFetcher()
    pdf = HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=fetcher).write_pdf()
    from tests.test_reports_helpers import pdf_text

    text = pdf_text(pdf)
    assert "Inhalt" in text and "GEHEIMNIS" not in text
    assert secret.as_uri() in fetcher.refused and "http://example.org/x.png" in fetcher.refused


def test_our_own_report_template_needs_nothing_from_outside(app):
    from caseapp.reports.committees import COMMITTEES

    ctx = {"committee": COMMITTEES["jugendhilfe"], "period": parse_period("2026-09"),
           "data_date": date(2026, 9, 30), "created": date(2026, 10, 2), "sections": [], "k": 3,
           "marker": "•", "method": {"population": "P", "age": "A", "notes": []}}
    rendered = render_document("reports/committee.html", ctx)
    assert rendered.data.startswith(b"%PDF-") and rendered.refused == ()
    from tests.test_reports_helpers import pdf_fonts

    # Only the shipped faces (declared by @font-face as "Bericht Sans") are embedded, never a system font.
    assert pdf_fonts(rendered.data) and all(
        name.startswith("Bericht-Sans") for name in pdf_fonts(rendered.data)
    )


@pytest.mark.parametrize("text_,start,end,label", [
    ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30), "3. Quartal 2026"),
    ("2026-q1", date(2026, 1, 1), date(2026, 3, 31), "1. Quartal 2026"),
    ("2026-09", date(2026, 9, 1), date(2026, 9, 30), "September 2026"),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "Februar 2024"),
    ("2026-03", date(2026, 3, 1), date(2026, 3, 31), "März 2026"),
])
def test_periods_parse_to_their_days(text_, start, end, label):
    p = parse_period(text_)
    assert (p.start, p.end, p.label) == (start, end, label)


@pytest.mark.parametrize("text_,message", [
    ("2026-13", "Monat 13"),
    ("2026-Q5", "kein Berichtszeitraum"),
    ("Q3/2026", "kein Berichtszeitraum"),
    ("", "kein Berichtszeitraum"),
    ("1999-01", "Jahr 1999"),
])
def test_bad_periods_are_refused_in_german(text_, message):
    with pytest.raises(PeriodError, match=message):
        parse_period(text_)


def test_monthly_run_reports_the_previous_month_also_across_new_year():
    assert previous_month(date(2026, 11, 2)).code == "2026-10"
    assert previous_month(date(2027, 1, 2)).code == "2026-12"


def test_german_number_and_date_forms():
    assert number(1234567) == "1.234.567"
    assert number(None) == "–"
    assert percent(0.873) == "87\u202f%"
    assert german_date(date(2026, 9, 30)) == "30.09.2026"


@pytest.mark.parametrize("low, middle, high, shown", [
    (30, 32, 35, "32 (30\u201335)"),
    (32, 32, 32, "32"),  # no spread: not "32 (32\u201332)"
    (2, 6, 9, "6 (bis 9)"),  # the low end is under the protection limit
    (0, 0, 0, "\u2013"),
    (1, 2, 2, "\u2022"),
])
def test_a_forecast_cell_prints_its_range_once_and_protected(low, middle, high, shown):
    from caseapp.reports.content.forecasts import _with_range

    row = {"low": low, "middle": middle, "high": high, "shelter": 0}
    assert _with_range(row, 3) == shown
