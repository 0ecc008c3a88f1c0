"""Checks every web request's input shares: control characters, path ids, page numbers, dates in queries.

Input that the database or Python cannot hold (a NUL byte, an id past PostgreSQL's integer, year 1)
used to surface as a server error with the value in the log. It is refused here, once, before it reaches
a view or a query: the `int` URL converter is bounded, query strings with control characters answer 400,
forms and JSON bodies get a field error naming the field.
"""
from __future__ import annotations

import re
from datetime import date

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

from caseapp.fieldrules import digits

# PostgreSQL's `integer`, the type of every primary key here.
MAX_ID = 2**31 - 1
# Dates a query may ask about (statistics "as of", filters): anything else is a typo or a probe.
MIN_DAY, MAX_DAY = date(1900, 1, 1), date(9000, 12, 31)
# C0 controls except tab, line feed and carriage return; DEL; C1 controls; lone surrogates.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
CONTROL_MESSAGE = "enthält unzulässige Steuerzeichen (z. B. ein Null-Byte)"


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in every route: 0..2^31-1, so a larger id is a 404 like any id that does not exist."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=0 if min is None else min,
                         max=MAX_ID if max is None else max, signed=signed)


def has_control_characters(value: str) -> bool:
    return bool(_CONTROL.search(value))


def control_character_field(data, path: str = "") -> str | None:
    """The first field (dotted path) of a JSON value whose text (key or value) holds a control character."""
    if isinstance(data, str):
        return (path or "Inhalt") if has_control_characters(data) else None
    if isinstance(data, dict):
        for key, value in data.items():
            name = f"{path}.{key}" if path else str(key)
            if has_control_characters(str(key)):
                return name
            found = control_character_field(value, name)
            if found:
                return found
    if isinstance(data, list):
        for i, value in enumerate(data):
            found = control_character_field(value, f"{path}[{i}]")
            if found:
                return found
    return None


def parse_query_day(value: str) -> date:
    """A date from a query string (YYYY-MM-DD) within MIN_DAY..MAX_DAY; ValueError otherwise."""
    day = date.fromisoformat(value)
    if not MIN_DAY <= day <= MAX_DAY:
        raise ValueError(f"{value} liegt außerhalb von {MIN_DAY.year} bis {MAX_DAY.year}")
    return day


def page_number(value) -> int:
    """Flask-Admin's `page` argument: 0.. (a million pages is beyond any list here); 400 otherwise."""
    try:
        page = int(value)
    except (TypeError, ValueError):
        abort(400)
    if not 0 <= page <= 1_000_000:
        abort(400)
    return page


def id_out_of_range(value) -> bool:
    """A query id (`?id=`, `?person_id=`) that is a number but no possible primary key."""
    text = str(value).strip()
    return digits(text.lstrip("-")) and not 0 <= int(text) <= MAX_ID


def check_admin_query() -> None:
    """Shared by every admin view: ids beyond the key range are 404, a page outside 0.. is 400."""
    for key, value in request.args.items(multi=True):
        if (key == "id" or key.endswith("_id")) and id_out_of_range(value):
            abort(404)
    if "page" in request.args:
        page_number(request.args["page"])


def _refuse_control_characters_in_query() -> None:
    for key, value in request.args.items(multi=True):
        if has_control_characters(key) or has_control_characters(value):
            abort(400)


def init_input_checks(app: Flask) -> None:
    """Before any route is added: the bounded `int` converter; then the query string check per request."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(_refuse_control_characters_in_query)
