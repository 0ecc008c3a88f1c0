"""Admin pages "Datenpflege": the review queue of record linkage, side by side, decide and undo.

Only the role data_steward may use them. They show of the two records the identifying core (names,
birth date, sex, nationalities, address, AZR number, source and dates) read straight from the person
rows, never an office's own facts, and every pair opened is an audited read of both persons.
"""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_security import current_user
from sqlalchemy import select

from caseapp.admin.base import SecureBaseView
from caseapp.audit.operations import record
from caseapp.auth.roles import CASEWORKER, DECIDE_LINKAGE
from caseapp.codelists import ReviewStatus
from caseapp.extensions import db
from caseapp.linkage import queries
from caseapp.linkage.models import ReviewPair
from caseapp.linkage.operations import LinkageError, MergeRefused, decide_pair, split_record
from caseapp.people.models import Person

CORE = (("family_name", _l("Family name")), ("given_names", _l("Given names")),
        ("birth", _l("Date of birth")), ("sex", _l("Sex")), ("nationalities", _l("Nationalities")),
        ("address", _l("Address")), ("azr_number", _l("AZR number")), ("created", _l("Recorded on")))
WHY_LABELS = {"family_name": _l("Family name"), "given_names": _l("Given names"),
              "birth_date": _l("Date of birth"), "sex": _l("Sex"), "nationality": _l("Nationality"),
              "address": _l("Address"), "azr": _l("AZR number")}
# What the data steward reads for linkage.models.PAIR_KINDS (the German is in the catalog).
PAIR_KINDS = {
    "model": _l("Similarity (model)"),
    "azr": _l("same AZR number, conflicting data"),
    "source_duplicate": _l("possible duplicate entry of the same source"),
    "registration": _l("possible duplicate entry at registration"),
}


def core_of(person: Person | None) -> dict:
    """The identifying core of a person as the data steward reads it (nothing else)."""
    if person is None:
        return {}
    address = " ".join(x for x in (person.street, person.house_number) if x)
    if person.postcode or person.city:
        address += ", " + " ".join(x for x in (person.postcode, person.city) if x)
    return {"family_name": person.family_name or "", "given_names": person.given_names or "",
            "birth": person.birth.german, "sex": person.sex,
            "nationalities": ", ".join(person.nationality_codes), "address": address.strip(", "),
            "azr_number": person.azr_number or "",
            "created": f"{person.created_at:%d.%m.%Y}" if person.created_at else ""}


def _agree(field: str, left: str, right: str) -> str:
    if not left or not right:
        return "fehlt"
    if field == "created":
        return ""
    from caseapp.linkage.normalise import canonical

    same = canonical(left) == canonical(right) if field in ("family_name", "given_names") else left == right
    return "gleich" if same else "abweichend"


class ReviewQueueView(SecureBaseView):
    # interfaces.md: the review queue is the data steward's work, nobody else's.
    allowed_roles = DECIDE_LINKAGE

    @expose("/")
    def index(self):
        pairs = db.session.scalars(select(ReviewPair).where(ReviewPair.status == ReviewStatus.open)
                                   .order_by(ReviewPair.score.desc(), ReviewPair.id).limit(500)).all()
        decided_statuses = (ReviewStatus.same, ReviewStatus.different)
        decided = db.session.scalars(select(ReviewPair).where(ReviewPair.status.in_(decided_statuses))
                                     .order_by(ReviewPair.decided_at.desc(),
                                               ReviewPair.id.desc()).limit(20)).all()
        return self.render(
            "admin/linkage/queue.html", pairs=pairs, decided=decided, kinds=PAIR_KINDS
        )

    @expose("/pair/<int:pair_id>")
    def pair(self, pair_id: int):
        pair = db.session.get(ReviewPair, pair_id) or abort(404)
        left_id, right_id = queries.resolve(*pair.left), queries.resolve(*pair.right)
        left, right = (
            core_of(db.session.get(Person, left_id or 0)),
            core_of(db.session.get(Person, right_id or 0)),
        )
        rows = [(label, left.get(f, ""), right.get(f, ""), _agree(f, left.get(f, ""), right.get(f, "")))
                for f, label in CORE]
        why = [
            (WHY_LABELS.get(k, k), v) for k, v in (pair.weights or {}).items() if isinstance(v, int | float)
        ]
        for pid in {p for p in (left_id, right_id) if p}:
            record("read", "person", pid, by=current_user, channel="admin", detail="fields=core "
                                                                                   f"pair={pair.id}")
        db.session.commit()
        return self.render("admin/linkage/pair.html", pair=pair, rows=rows, why=why, left_id=left_id,
                           right_id=right_id, kind=PAIR_KINDS.get(pair.kind, pair.kind))

    @expose("/pair/<int:pair_id>/decide", methods=("POST",))
    def decide(self, pair_id: int):
        pair = db.session.get(ReviewPair, pair_id) or abort(404)
        decision = request.form.get("decision")
        try:
            survivor = decide_pair(pair, decision, by=current_user, channel="admin")
        except (LinkageError, MergeRefused) as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return redirect(url_for(".pair", pair_id=pair_id))
        db.session.commit()
        if survivor:
            flash(_("Review case %(id)s: merged into person no. %(person)s.", id=pair_id, person=survivor),
                  "success")
        else:
            flash(_("Review case %(id)s: noted as different persons.", id=pair_id), "success")
        return redirect(url_for(".index"))

    @expose("/pair/<int:pair_id>/undo", methods=("POST",))
    def undo(self, pair_id: int):
        """Undo a 'same' decision: the pair's incoming record gets its own person again (split)."""
        pair = db.session.get(ReviewPair, pair_id) or abort(404)
        person_id = queries.resolve(*pair.right)
        if pair.status != ReviewStatus.same or person_id is None:
            flash(_("Review case %(id)s is not merged; nothing to undo.", id=pair_id), "error")
            return redirect(url_for(".index"))
        try:
            new_id = split_record(
                person_id, *pair.left, by=current_user, reason=f"pair={pair.id}", channel="admin"
            )
        except LinkageError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return redirect(url_for(".index"))
        db.session.commit()
        flash(_("Split: %(source)s '%(key)s' is person no. %(person)s again.", source=pair.left_source,
                key=pair.left_key, person=new_id), "success")
        return redirect(url_for(".index"))




class LinkageNoticeView(SecureBaseView):
    """Caseworkers of the office a conflict concerns see it (issue 13 item 7): an AZR number of one of their
    persons was given elsewhere. Only their own record is named, nothing of the other side."""

    allowed_roles = frozenset({CASEWORKER})

    @expose("/")
    def index(self):
        codes = sorted(current_user.office_codes)
        pairs = db.session.scalars(select(ReviewPair).where(ReviewPair.status == ReviewStatus.open,
                                                            ReviewPair.notify_office.in_(codes))
                                   .order_by(ReviewPair.id.desc()).limit(200)).all()
        return self.render("admin/linkage/notices.html", pairs=pairs)


def register(admin) -> None:
    admin.add_view(ReviewQueueView(name=_l("Review cases"), category=_l("Data stewardship"),
                                   endpoint="linkage_queue", url="/admin/linkage"))
    admin.add_view(LinkageNoticeView(name=_l("Linkage notices"), category=_l("Persons"),
                                     endpoint="linkage_notices", url="/admin/linkage-notices"))
