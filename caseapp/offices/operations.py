"""Writers for office membership; callers commit."""
from __future__ import annotations

from caseapp.extensions import db
from caseapp.offices.models import Office


class OfficeError(ValueError):
    pass


def assign(user, office_code: str) -> Office:
    office = db.session.get(Office, office_code)
    if office is None:
        known = ", ".join(sorted(o.code for o in db.session.scalars(db.select(Office))))
        raise OfficeError(f"Unknown office '{office_code}'. Known offices: {known}")
    if office not in user.offices:
        user.offices.append(office)
    db.session.flush()
    return office
