"""JSON API for statistics (interfaces.md): population counts and the children forecast.

Who: every role that may read aggregates (analyst, admin, caseworker, shelter_manager, auditor; see
READ_AGGREGATES). Analysts, admins, auditors and shelter managers get the whole city with small
counts suppressed (null); a caseworker gets exact counts of the persons known to their own offices.
"""
from __future__ import annotations

from datetime import date

from flask import jsonify, request
from flask_security import auth_required, current_user

from caseapp.api import ApiError, api_bp
from caseapp.auth.roles import READ_AGGREGATES, has_any
from caseapp.fieldrules import digits
from caseapp.inputcheck import parse_query_day
from caseapp.stats.dims import DimensionError

stats_auth = auth_required("token", "session")


def _require_aggregates():
    if not has_any(current_user, READ_AGGREGATES):
        raise ApiError("Keine Berechtigung für Auswertungen", 403)


def parse_date(value: str | None, field: str = "as_of") -> date | None:
    if value in (None, ""):
        return None
    try:
        return parse_query_day(value)
    except ValueError:
        raise ApiError(f"{field}: '{value}' ist kein Datum der Form JJJJ-MM-TT ab 1900", 400) from None


@api_bp.get("/stats/population")
@stats_auth
def population():
    """?by=district,age_group&as_of=2026-09-30 -> {"as_of", "rows": [{..., "count"}], ...}."""
    from caseapp.stats.publish import population_for

    _require_aggregates()
    as_of = parse_date(request.args.get("as_of"))
    from caseapp.stats.dims import DIMS

    filters = {d: request.args.getlist(d) for d in DIMS if request.args.getlist(d)}
    try:
        result = population_for(current_user, as_of, request.args.get("by", "district"), filters=filters)
    except DimensionError as exc:
        raise ApiError(str(exc), 400) from None
    return jsonify(
        as_of=result["as_of"].isoformat(),
        by=list(result["dims"]),
        rows=result["rows"],
        protected=result["protected"],
        offices=result["offices"],
        suppression=_suppression_note(result["protected"]),
    )


def _suppression_note(protected: bool) -> str | None:
    from caseapp.stats.publish import population_note

    if not protected:
        return None
    return population_note() + " Nicht veröffentlichte Zahlen: count = null."


@api_bp.get("/stats/forecast")
@stats_auth
def forecast():
    """?base_date=2026-11-25&years=6&district=07 -> per district, year and group: low/middle/high."""
    from caseapp.forecast.service import forecast_for

    _require_aggregates()
    base_date = parse_date(request.args.get("base_date"), "base_date")
    if base_date and base_date > date.today():
        raise ApiError("base_date: liegt in der Zukunft", 400)
    try:
        years = int(request.args.get("years", "6"))
    except ValueError:
        raise ApiError("years: muss eine ganze Zahl von 1 bis 6 sein", 400) from None
    if not 1 <= years <= 6:
        raise ApiError("years: muss eine ganze Zahl von 1 bis 6 sein", 400)
    district = request.args.get("district") or None
    if district is not None and not (len(district) == 2 and digits(district) and "01" <= district <= "23"):
        raise ApiError("district: muss eine Stadtteilnummer 01 bis 23 sein", 400)
    result = forecast_for(current_user, base_date, years, district=district)
    return jsonify(result)
