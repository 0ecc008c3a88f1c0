"""User and Role as Flask-Security-Too's fsqla_v3 models, plus office membership."""
from __future__ import annotations

from flask_security.models import fsqla_v3 as fsqla
from sqlalchemy.orm import relationship

from caseapp.extensions import db
from caseapp.offices.models import user_office

fsqla.FsModels.set_db_info(db)


class Role(db.Model, fsqla.FsRoleMixin):
    __tablename__ = "role"

    def __str__(self) -> str:
        return self.name


class User(db.Model, fsqla.FsUserMixin):
    __tablename__ = "user"

    offices = relationship("Office", secondary=user_office, lazy="selectin", backref="members")

    @property
    def office_codes(self) -> set[str]:
        return {o.code for o in self.offices}

    def __str__(self) -> str:
        return self.email

    def augment_auth_token(self, tdata: dict) -> None:
        from caseapp.auth.tokens import register_token

        register_token(self, tdata)

    def verify_auth_token(self, tdata: dict) -> bool:
        from caseapp.auth.tokens import token_is_alive

        return token_is_alive(tdata)


class WebAuthn(db.Model, fsqla.FsWebAuthnMixin):
    __tablename__ = "webauthn"
