"""Extension singletons, bound to the app in create_app(); nothing else lives here."""
from flask_babel import Babel
from flask_migrate import Migrate
from flask_security import Security
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from caseapp.auth.password_words import GermanPasswordUtil

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
# zxcvbn warns in English; GermanPasswordUtil says it in German (auth/password_words.py).
security = Security(password_util_cls=GermanPasswordUtil)
babel = Babel()
csrf = CSRFProtect()
