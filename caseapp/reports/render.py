"""render_pdf(template, context) -> bytes: Jinja template to PDF with WeasyPrint and the safe fetcher.

Reusable by every area that prints (committee reports, the GDPR access report): templates live under
caseapp/templates/, static files (CSS, fonts) under caseapp/reports/static/ and are the only files the
renderer may load. Fonts are the DejaVu files shipped there, so a PDF looks the same on every machine.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from caseapp.reports.fetcher import STATIC_DIR, SafeURLFetcher
from caseapp.reports.typography import FILTERS

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"


@dataclass(frozen=True)
class RenderedPDF:
    data: bytes
    pages: int
    refused: tuple[str, ...]  # URLs the fetcher blocked (should be empty for our own templates)


@cache
def jinja_env() -> Environment:
    """Own environment (not Flask's) so rendering needs no app or request context."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=select_autoescape(["html", "xml"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    return env


def render_html(template: str, context: dict) -> str:
    return jinja_env().get_template(template).render(**context)


def render_document(template: str, context: dict) -> RenderedPDF:
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    html = render_html(template, context)
    fetcher = SafeURLFetcher()
    fonts = FontConfiguration()
    document = HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=fetcher).render(
        font_config=fonts
    )
    # Fonts are subset by default; the shipped DejaVu files are embedded only with the glyphs used.
    # PDF/UA-1: tagged (structure tree, figures with their alternative text), language and title set;
    # public bodies in Lower Saxony must publish accessible documents.
    data = document.write_pdf(pdf_variant="pdf/ua-1")
    return RenderedPDF(data=data, pages=len(document.pages), refused=tuple(fetcher.refused))


def render_pdf(template: str, context: dict) -> bytes:
    """The PDF for `template` (a path below caseapp/templates/) filled with `context`."""
    return render_document(template, context).data
