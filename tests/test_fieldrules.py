"""One set of field rules for registration, shelters and deliveries: ASCII digits, no control characters."""
from __future__ import annotations

from pathlib import Path

import pytest

from caseapp import fieldrules
from caseapp.people.operations import register_person
from caseapp.shelters.operations import create_shelter
from caseapp.workflows.errors import InvalidInput
from tests.test_sources_support import csv_bytes, import_abh, row

ARABIC_POSTCODE = "٤٩٠٧٤"  # 49074 in Arabic-Indic digits: str.isdigit() says True
ARABIC_AZR = "١٢٣٤٥٦٧٨٩٠١٢"


def _register(by, **changes):
    values = {"family_name": "Haddad", "given_names": "Samir", "birth": "1990-05-17", "sex": "m",
              "nationalities": ["SYR"], "residence_status": "AE", "azr_number": None, "legal_basis": None}
    values.update(changes)
    return register_person(by=by, **values)


def test_rules_take_ascii_digits_only():
    assert fieldrules.postcode_error("49074") is None and fieldrules.postcode_error(ARABIC_POSTCODE)
    assert fieldrules.azr_error("123456789012") is None and fieldrules.azr_error(ARABIC_AZR)
    assert fieldrules.control_error("Zeile\neins") is None and fieldrules.control_error("a\x00b")


def test_registration_refuses_arabic_indic_postcode_and_azr_as_the_delivery_does(db, factory):
    user = factory.user("caseworker", offices=("int",))
    with pytest.raises(InvalidInput) as postcode:
        _register(user, postcode=ARABIC_POSTCODE)
    assert postcode.value.field == "postcode"
    with pytest.raises(InvalidInput) as azr:  # was a database error (500) before
        _register(user, azr_number=ARABIC_AZR)
    assert azr.value.field == "azr_number"
    with pytest.raises(InvalidInput) as name:
        _register(user, family_name="Had\x00dad")
    assert name.value.field == "family_name" and "Steuerzeichen" in name.value.message
    summary = import_abh(csv_bytes([row("D-1", plz=ARABIC_POSTCODE), row("D-2", azr_nr=ARABIC_AZR)]))
    assert [(e["line"], e["column"]) for e in summary.errors] == [(2, "plz"), (3, "azr_nr")]


def test_shelter_refuses_arabic_indic_postcode(db, factory):
    with pytest.raises(InvalidInput) as exc:
        create_shelter(by=factory.user("admin", offices=()), name="GU Test", district="07",
                       rooms=[{"name": "1", "beds": 2}], postcode=ARABIC_POSTCODE)
    assert exc.value.field == "postcode"


def test_importer_takes_key_and_azr_columns_from_the_adapter():
    from caseapp.sources.registry import get_adapter

    abh = get_adapter("abh")
    assert (abh.key_column, abh.azr_column) == ("abh_id", "azr_nr")
    source = (Path(__file__).parents[1] / "caseapp/sources/importer.py").read_text(encoding="utf-8")
    assert '"azr_nr"' not in source and "'azr_nr'" not in source


def test_no_str_isdigit_outside_the_field_rules():
    """`str.isdigit()` takes "٤" and "²" and `int("²")` raises: every digit check goes through
    fieldrules.digits (ASCII only)."""
    import ast

    root = Path(__file__).resolve().parents[1] / "caseapp"
    found = [f"{p.relative_to(root.parent)}:{n.lineno}"
             for p in root.rglob("*.py") if p.name != "fieldrules.py"
             for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
             if isinstance(n, ast.Attribute) and n.attr == "isdigit"]
    assert not found, found
    assert fieldrules.digits("0123") and not fieldrules.digits("²") and not fieldrules.digits(ARABIC_POSTCODE)


def test_an_id_in_unicode_digits_is_no_server_error(login_as):
    c = login_as("caseworker", offices=("abh",))
    for value in ("²", "٤"):
        for path in ("/admin/person/details/", "/admin/household/details/", "/admin/shelter/details/"):
            assert c.get(path, query_string={"id": value}).status_code in (302, 400, 403, 404), (path, value)
