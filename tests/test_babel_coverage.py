"""Words people read go through Flask-Babel (issue 15 item 10): a complete English translation stays possible.

Three guards: no template under caseapp/templates prints a word of its own (text, or an attribute a person
reads: title, aria-label, placeholder, alt, ...) outside `_()`; the admin's Python hands no literal word to
flash(), menus, column or form labels; and every msgid in the code has its German text in messages.po (and
the committed .mo). Then pages rendered with English chosen show English and none of their German words.

Left German on purpose: templates/reports/ (the committee PDFs and the shelters' print lists are German
documents) and templates/privacy/ (the Art. 15 access report, a German document for the data subject, in
the admin shown as it is printed).
"""
from __future__ import annotations

import ast
import html as htmllib
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from jinja2 import nodes

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "caseapp" / "templates"
DOCUMENTS = ("reports/", "privacy/")
# Not words of the UI: the app's name, and an example of the rooms field in its own input syntax (room
# features are stored codes: "barrierefrei,familie").
NOT_UI_TEXT = {"caseapp Osnabrück", "– caseapp Osnabrück", "· caseapp", "2.01;4\n2.02;2;barrierefrei,familie"}
READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "aria-description", "aria-roledescription",
                   "aria-valuetext", "label"}
GETTEXT = {"_", "gettext", "ngettext", "pgettext", "npgettext", "_gettext", "_ngettext", "_fsdomain"}
WORD = re.compile(r"[^\W\d_]{2,}")
HOLE = "\x00"


def _printed(expr) -> list[str]:
    """The string literals an expression prints as they are, not through gettext."""
    if isinstance(expr, nodes.Const):
        return [expr.value] if isinstance(expr.value, str) else []
    if isinstance(expr, nodes.CondExpr):
        return _printed(expr.expr1) + (_printed(expr.expr2) if expr.expr2 is not None else [])
    if isinstance(expr, nodes.Concat):
        return [s for n in expr.nodes for s in _printed(n)]
    if isinstance(expr, nodes.Add):
        return _printed(expr.left) + _printed(expr.right)
    if isinstance(expr, nodes.Filter):
        found = _printed(expr.node) if expr.node is not None else []
        if expr.name in ("default", "d"):
            found += [s for a in expr.args for s in _printed(a)]
        return found
    if isinstance(expr, nodes.Getitem) and isinstance(expr.node, nodes.Dict):
        return [s for pair in expr.node.items for s in _printed(pair.value)]
    if isinstance(expr, nodes.Call):
        if isinstance(expr.node, nodes.Name) and expr.node.name in GETTEXT:
            return []
        if isinstance(expr.node, nodes.Getattr) and isinstance(expr.node.node, nodes.Dict):
            return ([s for pair in expr.node.node.items for s in _printed(pair.value)]
                    + [s for a in expr.args[1:] for s in _printed(a)])
    return []


def _skeleton(node, out: list[str]) -> None:
    """The template's markup in source order: literal text as it is, each printed expression a hole (with
    any literal strings it prints), statements' own expressions (tests, loop targets) left out."""
    if isinstance(node, nodes.Output):
        for child in node.nodes:
            if isinstance(child, nodes.TemplateData):
                out.append(child.data)
            else:
                out.append(HOLE + HOLE.join(_printed(child)) + HOLE)
    elif not isinstance(node, nodes.Expr):
        for child in node.iter_child_nodes():
            _skeleton(child, out)


class _ReadText(HTMLParser):
    """Collects the text a person reads: element text (not in script, style or code) and read attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "code"):
            self._skip.append(tag)
        attrs = dict(attrs)
        for name, value in attrs.items():
            # words a script shows: data-word-* on <body>, data-*-label on a table
            words_for_scripts = name.startswith("data-word-") or (name.startswith("data-")
                                                                   and name.endswith("-label"))
            if value and (name in READ_ATTRIBUTES or words_for_scripts):
                self._check(value, f"[{name}] ")
        if tag == "input" and attrs.get("type") in ("submit", "button", "reset") and attrs.get("value"):
            self._check(attrs["value"], "[value] ")

    def handle_endtag(self, tag):
        if self._skip and self._skip[-1] == tag:
            self._skip.pop()

    def handle_data(self, data):
        if not self._skip:
            self._check(data, "")

    def _check(self, text: str, where: str) -> None:
        for piece in text.split(HOLE):
            piece = piece.strip()
            if WORD.search(piece) and piece not in NOT_UI_TEXT:
                self.found.append(where + " ".join(piece.split()))


def untranslated(env, source: str) -> list[str]:
    parts: list[str] = []
    _skeleton(env.parse(source), parts)
    reader = _ReadText()
    reader.feed("".join(parts))
    reader.close()
    return reader.found


def test_the_template_check_finds_words_outside_gettext(app):
    env = app.jinja_env
    assert untranslated(env, "<p>Zimmer {{ room.name }}</p>") == ["Zimmer"]
    assert untranslated(env, '<button title="Hilfe">{{ _("Save") }}</button>') == ["[title] Hilfe"]
    assert untranslated(env, "<td>{{ 'ja' if x else 'nein' }}</td>") == ["ja", "nein"]
    assert untranslated(env, '<input type="submit" value="Speichern">') == ["[value] Speichern"]
    assert untranslated(env, '<p>{{ _("Save") }} · {{ x }} <code>caseapp audit verify</code></p>') == []
    assert untranslated(env, '<a class="btn btn-sm" href="{{ url }}">{{ _("Back") }}</a>') == []
    assert untranslated(env, "<li{% if overdue %} class=\"text-danger\"{% endif %}>{{ _('Due') }}</li>") == []


def test_templates_have_no_words_outside_gettext(app):
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        if name.startswith(DOCUMENTS):
            continue
        found += [f"{name}: {text}" for text in untranslated(app.jinja_env, path.read_text(encoding="utf-8"))]
    assert not found, "text outside _() in templates:\n" + "\n".join(found)


# --- the admin's Python ------------------------------------------------------------------------------

PYTHON = sorted((ROOT / "caseapp" / "admin").glob("*.py")) + [ROOT / "caseapp" / "errors.py"]
NOT_UI_LITERALS = {"caseapp Osnabrück"}
LABEL_KEYWORDS = {"name", "category", "label", "description", "title"}


def _literal_words(node) -> bool:
    """A plain or f-string literal with a word in it (the text a person would read untranslated)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(WORD.search(node.value)) and node.value not in NOT_UI_LITERALS
    return isinstance(node, ast.JoinedStr) and any(
        isinstance(v, ast.Constant) and WORD.search(str(v.value)) for v in node.values)


def _call_name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def untranslated_python(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = _call_name(node)
            read = (node.args[:1] if name in ("flash", "ValidationError") or name.endswith("Field")
                    else node.args[1:3] if name == "action" else [])
            # name= and category= are a view's menu entry; elsewhere they may be identifiers
            read += [kw.value for kw in node.keywords if kw.arg in LABEL_KEYWORDS
                     and (name.endswith("View") or kw.arg not in ("name", "category"))]
            found += [(node.lineno, f"{name}(): {ast.unparse(arg)}") for arg in read if _literal_words(arg)]
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict) and any(
                isinstance(t, ast.Name) and t.id in ("column_labels", "column_descriptions")
                for t in node.targets):
            found += [(v.lineno, f"column label {ast.unparse(v)}") for v in node.value.values
                      if _literal_words(v)]
    return found


def test_the_python_check_finds_literal_words():
    source = '''
flash("Gespeichert.", "success")
flash(f"Abgleich {n} verworfen", "success")
flash(_("Saved."), "success")
admin.add_view(View(name="Prüffälle", category=_l("Data stewardship"), endpoint="x"))
email = StringField("E-Mail-Adresse", [DataRequired()])
column_labels = {"id": "Nr.", "at": _l("Time")}
@action("deactivate", "Deaktivieren", _l("Deactivate them?"))
def f(): pass
'''
    assert sorted(line for line, _text in untranslated_python(source)) == [2, 3, 5, 6, 7, 8]


def test_admin_python_hands_no_literal_words_to_people():
    found = [f"{path.relative_to(ROOT)}:{line}: {text}"
             for path in PYTHON for line, text in untranslated_python(path.read_text(encoding="utf-8"))]
    assert not found, "literal words in the admin's Python:\n" + "\n".join(found)


# --- the catalog ---------------------------------------------------------------------------------------

CATALOG = ROOT / "caseapp" / "translations" / "de" / "LC_MESSAGES"


def _extracted() -> set[tuple[str | None, str]]:
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with (ROOT / "caseapp" / "translations" / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_pgettext": ((1, "c"), 2)}
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
            str(ROOT / "caseapp"), method_map, options_map, keywords=keywords):
        msgid = message[0] if isinstance(message, tuple) else message
        found.add((context, msgid))
    return found


def test_every_msgid_has_its_german_text_in_the_committed_catalog():
    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    def key(m):  # read_mo leaves a context as bytes
        context = m.context.decode() if isinstance(m.context, bytes) else m.context
        return context, m.id if isinstance(m.id, str) else m.id[0]

    with (CATALOG / "messages.po").open("rb") as fh:
        po = {key(m): m.string for m in read_po(fh, locale="de") if m.id}
    with (CATALOG / "messages.mo").open("rb") as fh:
        mo = {key(m): m.string for m in read_mo(fh) if m.id}
    missing = sorted(str(key) for key in _extracted() if not po.get(key))
    assert not missing, "msgids without German (run caseapp/translations/update_catalog.py):\n" + "\n".join(
        missing)
    assert mo == po, "messages.mo is older than messages.po: run caseapp/translations/update_catalog.py"


# --- English pages ---------------------------------------------------------------------------------------

def readable_text(body: str) -> str:
    """The page's text and the attribute values people read (title, aria-label, placeholder, ...)."""
    names = "|".join(READ_ATTRIBUTES)
    read = " ".join(m[1] for m in re.finditer(rf'\s(?:{names})="([^"]*)"', body))
    body = re.sub(r"(?is)<(script|style|template|code)\b.*?</\1>", " ", body) + " " + read
    body = re.sub(r"(?s)<!--.*?-->", " ", body)
    body = re.sub(r"(?s)<[^>]+>", " ", body)
    return " ".join(htmllib.unescape(body).split())


# German words of the pages' own text (none of them is a name, code or value of the seeded data).
GERMAN = ("Zimmer", "Speichern", "Unterkunft", "Unterkünfte", "Anzeigen", "Stichtag", "Zurück", "Abmelden",
          "Hauptmenü", "Datenquelle", "Auswertungen", "Prüffall", "Protokoll", "Verwaltung", "Keine",
          "Noch keine", "Zeitraum", "Stadtteil", "Bericht", "Abgleich", "Personen", "Summe", "Fehler",
          "Zum Inhalt springen", "Datenschutz", "Anmeldung")
PAGES = (
    ("caseworker", "/admin/", ("Skip to content", "Main menu", "Log out")),
    ("caseworker", "/admin/sync-runs/", ("Sync runs", "Reference date", "completed")),
    ("caseworker", "/admin/sync-missing/", ("Persons missing from the latest delivery",
                                            "No missing persons.")),
    ("caseworker", "/admin/sync-quarantine/", ("Quarantine", "No records in quarantine.")),
    ("caseworker", "/admin/linkage-notices/", ("Linkage notices", "No open notices.")),
    ("analyst", "/admin/stats/", ("Population on", "Change table", "Age structure on")),
    ("analyst", "/admin/stats/belegung/", ("Occupancy of the communal shelters on",
                                            "Total of open shelters")),
    ("analyst", "/admin/stats/prognose/", ("Forecast: children and places", "Coverage rate")),
    ("analyst", "/admin/stats/plaetze/", ("Places per district", "Check and take over")),
    ("analyst", "/admin/reports/", ("Committee reports", "Request report", "Checksum (SHA-256)")),
    ("auditor", "/admin/audit/", ("Every read and write access to personal data", "Check the chain")),
    ("auditor", "/admin/audit_verify/", ("Audit log: check of the hash chain", "Back to the audit log")),
    ("auditor", "/admin/privacy/access/", ("Access report (Art. 15 GDPR)", "Find person",
                                            "Download as PDF")),
    ("data_steward", "/admin/linkage/", ("Linkage review cases", "No open review cases.")),
    ("admin", "/admin/users/", ("E-mail address", "Last login", "Administration")),
    ("caseworker", "/admin/no-such-page/", ("Error 404", "Page not found", "To the start page")),
)


@pytest.fixture()
def seeded(factory, db):
    from caseapp.sources.models import SyncRun

    shelter = factory.shelter(name="GU Probe", rooms=(("1.01", 4),))
    person = factory.person(family_name="Probe", state="accommodated")
    factory.stay(person, shelter.rooms[0], start=date(2026, 10, 1))
    db.session.add(SyncRun(source_code="abh", as_of=date(2026, 11, 30), status="done", rejected=0))
    db.session.flush()


def test_the_record_of_processing_in_english_keeps_only_its_content_german(login_as):
    """Its entries come from docs/record-of-processing.json, a German document; its frame is English."""
    c = login_as("auditor")
    c.get("/lang/en")
    text = readable_text(c.get("/admin/privacy/record/").get_data(as_text=True))
    assert "Record of processing activities (Art. 30 GDPR)" in text and "Retention periods" in text
    assert "Verzeichnis von Verarbeitungstätigkeiten" not in text and "Aufbewahrungsfristen" not in text


@pytest.mark.parametrize(("role", "path", "english"), PAGES, ids=[f"{r}:{p}" for r, p, _e in PAGES])
def test_pages_in_english_show_no_german_of_their_own(login_as, seeded, role, path, english):
    c = login_as(role)
    assert c.get(f"/lang/en?next={path}").status_code == 302
    resp = c.get(path)
    assert resp.status_code in (200, 404), (path, resp.status_code)
    page = resp.get_data(as_text=True)
    assert '<html lang="en">' in page
    text = readable_text(page)
    assert [w for w in english if w not in text] == []
    assert [w for w in GERMAN if re.search(rf"\b{w}\b", text)] == [], text


def test_the_admins_label_tables_read_in_german_as_the_domains_labels(app):
    """Labels the admin translates have German twins in the domain (API, PDFs, CLI): they must not drift."""
    from caseapp.admin import reports, sources, stats_words
    from caseapp.admin.i18n import code_label
    from caseapp.auth.roles import ROLE_LABELS_DE
    from caseapp.codelists import ReportStatus, labels
    from caseapp.forecast.model import GROUP_LABELS_DE
    from caseapp.sources.models import REJECTED_STATUS_LABELS_DE, RUN_STATUS_LABELS_DE
    from caseapp.stats import dims
    from caseapp.stats.occupancy import MOVEMENT_LABELS_DE, period_label
    from caseapp.stats.publish import k_value, population_note

    def german(table):
        return {key: str(value) for key, value in table.items()}

    with app.test_request_context("/admin/"):
        assert german(sources.RUN_LABELS) == RUN_STATUS_LABELS_DE
        assert german(sources.REJECTED_LABELS) == REJECTED_STATUS_LABELS_DE
        assert german(reports.STATUS_LABELS) == labels(ReportStatus)
        assert german(stats_words.DIM_LABELS) == dims.DIM_LABELS_DE
        assert german(stats_words.HOUSING_LABELS) == dims.HOUSING_LABELS_DE
        assert german(stats_words.MOVEMENT_LABELS) == MOVEMENT_LABELS_DE
        assert german(stats_words.GROUP_LABELS) == GROUP_LABELS_DE
        assert stats_words.population_note(k_value()) == population_note()
        assert stats_words.value_text("benefit", None) == dims.NO_FACT_DE
        assert stats_words.value_text("sex", None) == dims.UNKNOWN_DE
        assert stats_words.period_text("2026-W07") == period_label("2026-W07") == "KW 7/2026"
        assert {role: code_label("role", role) for role in ROLE_LABELS_DE} == ROLE_LABELS_DE
