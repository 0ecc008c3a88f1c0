"""The form a caseworker registers a person with; validation of content stays in register_person."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField, ValidationError, validators

from caseapp.admin.base import CsrfForm
from caseapp.admin.i18n import code_options
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
            raise ValidationError(f"„{text}“ ist kein Datum der Form TT.MM.JJJJ "
                                  "(00 für einen unbekannten Tag oder Monat, z. B. 00.05.1990)") from None
        raise ValidationError(str(exc)) from None


def _as_iso(text: str | None) -> str:
    """The form's birth date in the operations' form (validated above)."""
    text = (text or "").strip()
    try:
        return _parse_birth(text).iso
    except BirthDateError:
        return text  # the operation refuses it with its own message


class PersonForm(CsrfForm):
    family_name = StringField(_l("Family name"), [validators.InputRequired(), validators.Length(max=200)])
    given_names = StringField(_l("Given names"), [validators.InputRequired(), validators.Length(max=200)])
    birth = StringField(_l("Date of birth"), [validators.InputRequired(), german_or_iso_birth_date],
                        description=_l("DD.MM.YYYY; 00 for an unknown day or month, e.g. 00.05.1990"),
                        render_kw={"placeholder": "17.05.1990"})
    sex = SelectField(_l("Sex"), choices=code_options("sex", SEXES))
    nationalities = StringField(_l("Nationalities"), [validators.InputRequired()],
                                description=_l("ISO 3166 alpha-3 codes separated by commas, primary first, "
                                               "e.g. SYR, TUR"))
    residence_status = SelectField(_l("Residence status"), choices=code_options("residence_status",
                                                                               RESIDENCE_STATUSES))
    legal_basis = StringField(_l("Legal basis"), _optional + [validators.Length(max=100)])
    azr_number = StringField(_l("AZR number"), _optional + [validators.Regexp(
        r"^[0-9]{12}$", message=_l("Exactly 12 digits, as printed on the arrival certificate"))])
    office = SelectField(_l("Registering office"))
    entry_date = DateField(_l("Date of entry"), _optional)
    needs = StringField(_l("Needs"), _optional + [validators.Length(max=200)],
                        description=_l("Relevant for allocation, e.g. rollstuhl, schwanger"))
    # The household's number; the operation accepts only a household the user may see
    # (people/access.py visible_households), another office's answers like an unknown number.
    household_id = IntegerField(_l("Household"), _optional)

    def operation_arguments(self) -> dict:
        """The form's values in the shape register_person takes."""
        codes = [c.strip().upper() for c in (self.nationalities.data or "").split(",") if c.strip()]
        return {
            "family_name": self.family_name.data,
            "given_names": self.given_names.data,
            "birth": _as_iso(self.birth.data),
            "sex": self.sex.data,
            "nationalities": codes,
            "residence_status": self.residence_status.data,
            "legal_basis": self.legal_basis.data or None,
            "azr_number": (self.azr_number.data or "").strip() or None,
            **({"office": self.office.data} if "office" in self else {}),
            "entry_date": self.entry_date.data,
            "needs": self.needs.data or None,
            "household_id": self.household_id.data,
        }
