"""Printing for shelter managers: the resident list and the fire brigade's roll-call of a shelter as PDF.

Only shelter managers print (they run the shelters and the night shift; caseworkers and admins get 403,
tests/test_prints.py); every print is audited with the list printed before the PDF leaves.
"""
from __future__ import annotations

from datetime import UTC, datetime

from flask import Response, abort
from flask_admin import expose
from flask_security import current_user
from sqlalchemy import select

from caseapp.admin.base import SecureBaseView
from caseapp.audit.operations import record
from caseapp.auth.roles import SHELTER_MANAGER
from caseapp.codelists import ShelterState
from caseapp.extensions import db
from caseapp.shelters.models import Shelter

KINDS = {"residents": "bewohnerliste", "rollcall": "evakuierungsliste"}


class PrintView(SecureBaseView):
    allowed_roles = frozenset({SHELTER_MANAGER})

    @expose("/")
    def index(self):
        stmt = select(Shelter).where(Shelter.state == ShelterState.open).order_by(Shelter.name)
        shelters = db.session.scalars(stmt).all()
        return self.render("admin/prints.html", shelters=shelters)

    @expose("/<kind>/<int:shelter_id>.pdf")
    def pdf_view(self, kind: str, shelter_id: int):
        from caseapp.shelters.prints import pdf

        shelter = db.session.get(Shelter, shelter_id)
        if kind not in KINDS or shelter is None:
            abort(404)
        now = datetime.now(UTC).replace(tzinfo=None)
        record("print", "shelter", shelter.id, by=current_user, channel="admin", detail=f"list={kind}")
        db.session.commit()
        data = pdf(shelter, kind, printed_by=current_user.email, now=now)
        name = f"{KINDS[kind]}-{shelter.id}-{now:%Y%m%d-%H%M}.pdf"
        return Response(data, mimetype="application/pdf",
                        headers={"Content-Disposition": f"inline; filename={name}",
                                 "Cache-Control": "no-store"})


def register(admin) -> None:
    from flask_babel import lazy_gettext as _l

    admin.add_view(PrintView(name=_l("Print lists"), endpoint="prints", url="/admin/print",
                             category=_l("Shelters")))
