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




def core_of_record(identity: dict | None, source: str) -> dict:
    """The identifying core a source record delivered (its stored identity), as core_of reads a person."""
    from datetime import date

    from caseapp.people.birthdate import BirthDate

    ident = identity or {}
    birth = ""
    if ident.get("birth_date"):
        birth = BirthDate(date.fromisoformat(str(ident["birth_date"])[:10]),
                          ident.get("birth_precision") or "day").german
    address = " ".join(x for x in (ident.get("street"), ident.get("house_number")) if x)
    place = " ".join(x for x in (ident.get("postcode"), ident.get("city")) if x)
    if place:
        address += ", " + place
    return {"family_name": ident.get("family_name") or "", "given_names": ident.get("given_names") or "",
            "birth": birth, "sex": ident.get("sex") or "",
            "nationalities": ", ".join(ident.get("nationalities") or []), "address": address.strip(", "),
            "azr_number": ident.get("azr_number") or "", "created": ""}


class AutomaticLinksView(SecureBaseView):
    """The links record linkage made by itself, at import (linkage.md: every link can be undone): the
    record, the person it joined, weight, model and why; the weakest first when asked. The data steward
    compares the record's delivered identifying core with the person's and splits a wrong link off.
    Like the queue: the role data_steward only, identifying core only, every opened link an audited read."""

    allowed_roles = DECIDE_LINKAGE
    PAGE = 100

    @expose("/")
    def index(self):
        from caseapp.linkage.models import Link

        order = request.args.get("order", "new")
        source = request.args.get("source") or None
        stmt = select(Link).where(Link.undone_at.is_(None), Link.pair_id.is_(None))
        if source:
            stmt = stmt.where(Link.source_code == source)
        stmt = stmt.order_by(Link.score.asc().nulls_last(), Link.id) if order == "weak" else \
            stmt.order_by(Link.id.desc())
        page = max(request.args.get("page", 1, type=int), 1)
        links = db.session.scalars(stmt.offset((page - 1) * self.PAGE).limit(self.PAGE + 1)).all()
        sources = sorted(db.session.scalars(select(Link.source_code).distinct()))
        return self.render("admin/linkage/links.html", links=links[:self.PAGE], more=len(links) > self.PAGE,
                           page=page, order=order, source=source, sources=sources)

    @expose("/<int:link_id>")
    def detail(self, link_id: int):
        from caseapp.linkage.models import Link
        from caseapp.sources.models import SourceRecord

        link = db.session.get(Link, link_id) or abort(404)
        person_id = queries.resolve(link.source_code, link.key)
        identity = db.session.scalar(select(SourceRecord.identity).where(
            SourceRecord.source_code == link.source_code, SourceRecord.key == link.key))
        from caseapp.sources.identity import loads

        mine = core_of_record(loads(identity), link.source_code)
        theirs = core_of(db.session.get(Person, person_id or 0))
        rows = [(label, mine.get(f, ""), theirs.get(f, ""), _agree(f, mine.get(f, ""), theirs.get(f, "")))
                for f, label in CORE if f != "created"]
        why = [(WHY_LABELS.get(k, k), v) for k, v in (link.weights or {}).items()
               if isinstance(v, int | float)]
        if person_id:
            record("read", "person", person_id, by=current_user, channel="admin",
                   detail=f"fields=core link={link.id}")
        db.session.commit()
        splittable = link.undone_at is None and person_id is not None and \
            len(queries.records_of(person_id)) > 1
        return self.render("admin/linkage/link.html", link=link, rows=rows, why=why, person_id=person_id,
                           splittable=splittable)

    @expose("/<int:link_id>/split", methods=("POST",))
    def split(self, link_id: int):
        from caseapp.linkage.models import Link

        link = db.session.get(Link, link_id) or abort(404)
        person_id = queries.resolve(link.source_code, link.key)
        if link.undone_at is not None or person_id is None:
            flash(_("This link has been undone already."), "error")
            return redirect(url_for(".index"))
        try:
            new_id = split_record(person_id, link.source_code, link.key, by=current_user,
                                  reason=f"link={link.id}", channel="admin")
        except LinkageError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return redirect(url_for(".detail", link_id=link_id))
        db.session.commit()
        flash(_("Split: %(source)s '%(key)s' is person no. %(person)s again.", source=link.source_code,
                key=link.key, person=new_id), "success")
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
    admin.add_view(AutomaticLinksView(name=_l("Automatic links"), category=_l("Data stewardship"),
                                      endpoint="linkage_links", url="/admin/linkage-links"))
    admin.add_view(LinkageNoticeView(name=_l("Linkage notices"), category=_l("Persons"),
                                     endpoint="linkage_notices", url="/admin/linkage-notices"))
