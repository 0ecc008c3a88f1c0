"""The form a caseworker registers a person with; validation of content stays in register_person."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, validators

from caseapp.admin.base import CsrfForm
from caseapp.admin.i18n import code_options
from caseapp.people.codes import RESIDENCE_STATUSES, SEXES

_optional = [validators.Optional()]


class PersonForm(CsrfForm):
    family_name = StringField(_l("Family name"), [validators.InputRequired(), validators.Length(max=200)])
    given_names = StringField(_l("Given names"), [validators.InputRequired(), validators.Length(max=200)])
    birth = StringField(_l("Date of birth"), [validators.InputRequired()],
                        description=_l("YYYY-MM-DD; 00 for an unknown day or month, e.g. 1990-00-00"),
                        render_kw={"placeholder": "1990-05-17"})
    sex = SelectField(_l("Sex"), choices=code_options("sex", SEXES))
    nationalities = StringField(_l("Nationalities"), [validators.InputRequired()],
                                description=_l("ISO 3166 alpha-3 codes separated by commas, primary first, "
                                               "e.g. SYR, TUR"))
    residence_status = SelectField(_l("Residence status"), choices=code_options("residence_status",
                                                                               RESIDENCE_STATUSES))
    legal_basis = StringField(_l("Legal basis"), _optional + [validators.Length(max=100)])
    azr_number = StringField(_l("AZR number"), _optional + [validators.Length(min=12, max=12)])
    office = SelectField(_l("Registering office"))
    entry_date = DateField(_l("Date of entry"), _optional)
    needs = StringField(_l("Needs"), _optional + [validators.Length(max=200)],
                        description=_l("Relevant for allocation, e.g. rollstuhl, schwanger"))

    def operation_arguments(self) -> dict:
        """The form's values in the shape register_person takes."""
        codes = [c.strip().upper() for c in (self.nationalities.data or "").split(",") if c.strip()]
        return {
            "family_name": self.family_name.data,
            "given_names": self.given_names.data,
            "birth": (self.birth.data or "").strip(),
            "sex": self.sex.data,
            "nationalities": codes,
            "residence_status": self.residence_status.data,
            "legal_basis": self.legal_basis.data or None,
            "azr_number": (self.azr_number.data or "").strip() or None,
            **({"office": self.office.data} if "office" in self else {}),
            "entry_date": self.entry_date.data,
            "needs": self.needs.data or None,
        }
