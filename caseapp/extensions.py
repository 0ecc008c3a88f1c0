"""Extension singletons, bound to the app in create_app(); nothing else lives here."""
from flask_babel import Babel
from flask_migrate import Migrate
from flask_security import Security
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, inspect
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

    def __repr__(self) -> str:
        """Ids and state (or status) only: a repr ends up in logs and tracebacks, so it never shows a
        name, a label or an address. Reads only what is loaded (no query from inside a traceback)."""
        identity = inspect(self).identity
        key = ",".join(map(str, identity)) if identity else "new"
        loaded = self.__dict__
        state = next((loaded[k] for k in ("state", "status") if loaded.get(k) is not None), None)
        return f"<{type(self).__name__} {key}{f' {state}' if state is not None else ''}>"


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
# zxcvbn warns in English; GermanPasswordUtil says it in German (auth/password_words.py).
security = Security(password_util_cls=GermanPasswordUtil)
babel = Babel()
csrf = CSRFProtect()
