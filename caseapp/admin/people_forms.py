"""The form a caseworker registers a person with; validation of content stays in register_person."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, SelectMultipleField, StringField, ValidationError, validators
from wtforms.fields.choices import SelectChoice

from caseapp.admin.base import CsrfForm
from caseapp.admin.i18n import code_choices
from caseapp.fieldrules import digits
from caseapp.people.birthdate import BirthDate, BirthDateError
from caseapp.people.codes import RESIDENCE_STATUSES, SEXES

_optional = [validators.Optional()]


def _parse_birth(text: str) -> BirthDate:
    """A caseworker types the date as printed (00.05.1990); the ISO form (1990-05-00) is taken too."""
    return BirthDate.parse_german(text) if "." in text else BirthDate.parse_iso(text)


def german_or_iso_birth_date(form, field) -> None:
    text = (field.data or "").strip()
    try:
        _parse_birth(text)
    except BirthDateError as exc:
        if "Form" in str(exc):  # neither form: name the one to use
            raise ValidationError(_("“%(value)s” is not a date of the form DD.MM.YYYY (00 for an unknown day "
                                    "or month, e.g. 00.05.1990)", value=text)) from None
        raise ValidationError(str(exc)) from None


def _as_iso(text: str | None) -> str:
    """The form's birth date in the operations' form (validated above)."""
    text = (text or "").strip()
    try:
        return _parse_birth(text).iso
    except BirthDateError:
        return text  # the operation refuses it with its own message


def _int_or_none(value):
    if value in (None, "", "None"):
        return None
    return int(value) if digits(str(value)) else -1  # -1: not a choice, refused by the select


def _postcode(form, field) -> None:
    text = (field.data or "").strip()
    if text and not (len(text) == 5 and digits(text)):
        raise ValidationError(_l("A postcode has 5 digits"))


def _required(message):
    return [validators.InputRequired(message=message)]


class PersonForm(CsrfForm):
    """Every field's problem is shown at once (the validators below); what only the database can tell
    (an AZR number already taken, a household gone) comes from the operation, at its field."""

    family_name = StringField(_l("Family name"), _required(_l("Please enter the family name"))
                              + [validators.Length(max=200)])
    given_names = StringField(_l("Given names"), _required(_l("Please enter the given names"))
                              + [validators.Length(max=200)])
    birth = StringField(_l("Date of birth"), [validators.InputRequired(message=_l("Please enter the date of "
                                                                                 "birth")),
                                              german_or_iso_birth_date],
                        description=_l("DD.MM.YYYY; 00 for an unknown day or month, e.g. 00.05.1990"),
                        render_kw={"placeholder": "17.05.1990"})
    # Nothing preselected: a default would be saved unnoticed.
    sex = SelectField(
        _l("Sex"),
        _required(_l("Please choose")),
        choices=[SelectChoice("", "–"), *code_choices("sex", SEXES)],
    )
    nationality = SelectField(_l("Nationality"), _required(_l("Please choose the nationality")), choices=[])
    further_nationalities = SelectMultipleField(_l("Further nationalities"), choices=[],
                                                description=_l("Only if the person has more than one"))
    residence_status = SelectField(_l("Residence status"), _required(_l("Please choose")),
                                   choices=[SelectChoice("", "–"), *code_choices("residence_status",
                                                                                 RESIDENCE_STATUSES)])
    legal_basis = StringField(_l("Legal basis"), _optional + [validators.Length(max=100)])
    azr_number = StringField(_l("AZR number"), _optional + [validators.Regexp(
        r"^[0-9]{12}$", message=_l("Exactly 12 digits, as printed on the arrival certificate"))])
    office = SelectField(_l("Registering office"))
    entry_date = DateField(_l("Date of entry"), _optional)
    needs = StringField(_l("Needs"), _optional + [validators.Length(max=200)],
                        description=_l("Relevant for allocation, e.g. rollstuhl, schwanger"))
    # Only households the user may see (people/access.py visible_households); the operation checks again.
    household_id = SelectField(_l("Household"), coerce=_int_or_none, choices=[], validate_choice=False)
    street = StringField(_l("Street"), _optional + [validators.Length(max=200)])
    house_number = StringField(_l("House number"), _optional + [validators.Length(max=20)])
    postcode = StringField(_l("Postcode"), _optional + [_postcode])
    city = StringField(_l("City"), _optional + [validators.Length(max=100)])
    district_number = SelectField(_l("District"), choices=[], default="")

    def fill_choices(self, user, person=None) -> None:
        """Choices that depend on the user, the language and the database; on an edit the person's values."""
        from flask import request
        from sqlalchemy import select

        from caseapp.admin.i18n import language
        from caseapp.admin.people_detail import district_names
        from caseapp.extensions import db
        from caseapp.people.access import visible_households
        from caseapp.people.codes import nationality_names
        from caseapp.people.models import Household

        countries = sorted(nationality_names(language()).items(), key=lambda kv: _sort_key(kv[1]))
        self.nationality.choices = [SelectChoice("", "–"), *countries]
        self.further_nationalities.choices = countries
        households = db.session.execute(visible_households(user, select(Household.id, Household.label))
                                        .order_by(Household.label, Household.id).limit(500)).all()
        self.household_id.choices = [(None, _l("none")),
                                     *[(i, label or _l("Household %(id)s", id=i)) for i, label in households]]
        self.district_number.choices = [SelectChoice("", "–"), *[(n, f"{n} {name}")
                                                      for n, name in sorted(district_names().items())]]
        if person is not None and request.method == "GET":
            self.nationality.data = person.nationality_codes[0] if person.nationality_codes else ""
            self.further_nationalities.data = person.nationality_codes[1:]

    def operation_arguments(self) -> dict:
        """The form's values in the shape register_person takes."""
        primary = self.nationality.data or ""
        codes = [primary, *[c for c in (self.further_nationalities.data or []) if c != primary]]
        return {
            "family_name": self.family_name.data,
            "given_names": self.given_names.data,
            "birth": _as_iso(self.birth.data),
            "sex": self.sex.data,
            "nationalities": [c for c in codes if c],
            "residence_status": self.residence_status.data,
            "legal_basis": self.legal_basis.data or None,
            "azr_number": (self.azr_number.data or "").strip() or None,
            **({"office": self.office.data} if "office" in self else {}),
            "entry_date": self.entry_date.data,
            "needs": self.needs.data or None,
            "household_id": self.household_id.data,
            "street": self.street.data or None,
            "house_number": self.house_number.data or None,
            "postcode": (self.postcode.data or "").strip() or None,
            "city": self.city.data or None,
            "district": self.district_number.data or None,
        }


def _sort_key(name: str) -> str:
    """German dictionary order for the country names (Ägypten with A, Österreich with O)."""
    import unicodedata

    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
