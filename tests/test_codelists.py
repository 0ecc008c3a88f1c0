"""Code lists are defined once with their German labels; a person's str/repr carries no personal data."""
from __future__ import annotations

import ast
from pathlib import Path

from caseapp.codelists import (
    AuditAction,
    PersonState,
    RejectedStatus,
    ReportStatus,
    ResidenceStatus,
    ReviewStatus,
    ShelterState,
    SyncRunStatus,
    action_label,
    action_labels,
)
from caseapp.people.codes import RESIDENCE_STATUSES
from caseapp.sources.models import RUN_STATUS_LABELS_DE, RUN_STATUSES
from caseapp.workflows.states import STATE_LABELS_DE


def test_members_are_their_stored_strings():
    assert PersonState.arrived == "arrived" and f"{ShelterState.open}" == "open"
    assert PersonState("housed") is PersonState.housed and PersonState.housed.label == "in Wohnung"
    assert ResidenceStatus.DULDUNG.label == RESIDENCE_STATUSES["DULDUNG"] == "Duldung"
    assert RUN_STATUSES == ("running", "done", "rejected", "failed", "held")
    assert RUN_STATUS_LABELS_DE["held"] == "angehalten (Bestätigung nötig)"
    assert STATE_LABELS_DE["closed"] == "geschlossen" and STATE_LABELS_DE["announced"] == "angekündigt"


def test_one_label_per_audit_action_for_the_audit_list_and_the_access_report(app):
    """The audit list names the actions through the catalog (admin/audit_words.py); in German each reads
    exactly as the access report's label (codelists.action_label), also a lifecycle step."""
    from caseapp.admin.audit import ACTION_OPTIONS
    from caseapp.admin.audit_words import action_text
    from caseapp.privacy import access_report

    assert access_report.action_label is action_label
    with app.test_request_context("/admin/audit/"):
        assert {code: str(label) for code, label in ACTION_OPTIONS} == action_labels()
        assert action_text("read") == action_label("read") == AuditAction.read.label
        assert action_text("transition:depart") == action_label("transition:depart") == "Übergang Wegzug"
    assert action_label("something_new") == "something_new"


def test_str_and_repr_of_a_person_carry_no_name(factory):
    person = factory.person(family_name="Yılmaz", given_names="Ayşe", state="arrived")
    for text in (str(person), repr(person), f"{person}", f"{person!r}"):
        assert "Yılmaz" not in text and "Ayşe" not in text
    assert repr(person) == f"<Person {person.id} arrived>" and str(person) == f"Person {person.id}"
    assert "Yılmaz" in person.display_name  # pages still show the name where they mean to


# --- No bare code-list strings in comparisons or filters ------------------------------------------------
# caseapp/ compares states, statuses and audit actions with the members of caseapp/codelists.py, never
# with a bare string: a typo in a member is an AttributeError at import, a typo in a string a silent False.

CODE_LISTS = (PersonState, ShelterState, ResidenceStatus, SyncRunStatus, RejectedStatus, ReviewStatus,
              ReportStatus, AuditAction)
# "link" is also what linkage/decide.py decides for a record (link, queue, new), a list of its own.
CODE_VALUES = {member.value for codes in CODE_LISTS for member in codes} - {"link"}
CASEAPP = Path(__file__).resolve().parents[1] / "caseapp"
SQL_FILTERS = {"in_", "not_in", "notin_", "filter_by", "is_", "isnot", "is_not"}

# (file, literal) pairs that compare a string that only looks like a code value. Keep this short.
ALLOWED = {
    ("caseapp/admin/search.py", "search"),  # the name of a query-string parameter, not an audit action
    ("caseapp/admin/sources.py", "dismiss"),  # the quarantine form's button value
}


def _literals(node) -> list[ast.Constant]:
    """The string constants a comparison operand stands for (itself, or a tuple/list/set literal's items)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [e for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return []


def bare_code_strings(source: str) -> list[tuple[int, str]]:
    """(line, literal) for every code-list value compared or filtered on as a bare string."""
    found = []
    for node in ast.walk(ast.parse(source)):
        operands = []
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in SQL_FILTERS:
            operands = [*node.args, *(k.value for k in node.keywords)]
        for operand in operands:
            found += [(c.lineno, c.value) for c in _literals(operand) if c.value in CODE_VALUES]
    return found


def test_the_scanner_finds_what_it_should():
    code = ('a == "open"\nb in ("arrived", "x")\nc != "read"\nq.where(X.state.in_(["housed"]))\n'
            'q.filter_by(status="done")\nd == PersonState.arrived\ne == "Arrived"\nf = "open"\n')
    assert sorted(bare_code_strings(code)) == [(1, "open"), (2, "arrived"), (3, "read"), (4, "housed"),
                                       (5, "done")]


def test_caseapp_compares_code_lists_through_their_members():
    offences = []
    for path in sorted(CASEAPP.rglob("*.py")):
        relative = path.relative_to(CASEAPP.parent).as_posix()
        for line, literal in bare_code_strings(path.read_text(encoding="utf-8")):
            if (relative, literal) not in ALLOWED:
                offences.append(f"{relative}:{line}: {literal!r}")
    assert not offences, "use the caseapp.codelists member instead of:\n" + "\n".join(offences)


def test_every_audit_action_caseapp_records_has_a_label():
    """Each `record("<action>", ...)` in caseapp/ names a member of AuditAction (lifecycle steps aside)."""
    actions = set()
    for path in CASEAPP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "record" and node.args \
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                actions.add(node.args[0].value)
    assert actions and actions <= {a.value for a in AuditAction}, actions - {a.value for a in AuditAction}


def test_the_repr_of_any_model_shows_ids_and_state_only(db):
    from caseapp.people.models import Household
    from caseapp.sources.models import SyncRun

    household = Household(label="Familie Yılmaz", office_code="abh")
    assert repr(household) == "<Household new>"
    db.session.add(household)
    db.session.flush()
    assert repr(household) == f"<Household {household.id}>" and "Yılmaz" not in repr(household)
    assert repr(SyncRun(status=SyncRunStatus.held.value)) == "<SyncRun new held>"
