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


def test_district_charts_share_one_scale_and_a_legend():
    """Small multiples of 23 districts: each on its own scale made a district of 12 children look like one
    of 400; now every district's chart has the same top, and one legend names the lines and the band."""
    import base64
    import re
    from types import SimpleNamespace

    from caseapp.reports import sparks
    from caseapp.reports.content import forecasts

    def row(district, year, group, middle):
        return {"district": district, "year": year, "group": group, "middle": middle, "shelter": 0,
                "low": middle - 2, "high": middle + 2, "range_low": middle - 3, "range_high": middle + 40}

    rows = [row(d, y, g, n * (1 if d == "01" else 30)) for d in ("01", "02") for y in (2027, 2028)
            for g, n in (("einschulung", 12), ("grundschule", 14))]
    result = SimpleNamespace(rows=rows, years=[2027, 2028])
    top = forecasts.district_top(result, forecasts.SCHOOL)
    assert top == 14 * 30 + 40

    def scale_label(chart):
        svg = base64.b64decode(chart.src.split(",", 1)[1]).decode()
        return re.search(r'text-anchor="end">([\d.]+)</text>', svg)[1]

    small = forecasts.district_chart(result, "01", forecasts.SCHOOL, 3, "01", top=top)
    large = forecasts.district_chart(result, "02", forecasts.SCHOOL, 3, "02", top=top)
    assert scale_label(small) == scale_label(large) == "500"
    key = sparks.legend(["Einschulung", "Grundschule"], "Legende", band="Spanne")
    svg = base64.b64decode(key.src.split(",", 1)[1]).decode()
    assert "Einschulung" in svg and "Grundschule" in svg and "Spanne" in svg


def test_axis_months_are_german_short_forms_that_fit():
    """A month under an axis is "Sept." or "März", never cut ("Septembe") nor the English-looking "Sep"."""
    from datetime import date, timedelta

    from caseapp.reports.content.shelters import day_axis

    days = [date(2026, 7, 1) + timedelta(days=i) for i in range(92)]
    _positions, labels = day_axis(days)
    assert sorted(labels.values()) == ["Aug.", "Juli", "Sept."]
    days = [date(2026, 3, 1) + timedelta(days=i) for i in range(31)]
    assert "März" in day_axis(days)[1].values()
