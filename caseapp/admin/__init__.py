"""Flask-Admin (Bootstrap 4, German): one module per area registers its views here."""
from __future__ import annotations

import importlib
from pathlib import Path

from flask import Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from flask_babel import lazy_gettext as _l

from caseapp.admin.base import SecureIndexView, page_heading

VIEW_MODULES = (
    "caseapp.admin.i18n",
    "caseapp.admin.people",
    "caseapp.admin.shelters",
    "caseapp.admin.prints",
    "caseapp.admin.legacy",
    "caseapp.admin.sources",
    "caseapp.admin.stats",
    "caseapp.admin.places",
    "caseapp.admin.reports",
    "caseapp.admin.audit",
    "caseapp.admin.privacy",
    "caseapp.admin.linkage",
    "caseapp.admin.users",
)


def init_admin(app: Flask) -> Admin:
    admin = Admin(
        app,
        name="caseapp Osnabrück",
        # Flask-Admin's frame with the page language, skip link, landmarks and one h1 (WCAG 2.1 AA).
        theme=Bootstrap4Theme(base_template="admin/caseapp_base.html"),
        index_view=SecureIndexView(name=_l("Start"), url="/admin"),
        # Our compiled copy of Flask-Admin's German catalog (the wheel's admin.mo is stale; see
        # caseapp/translations/update_catalog.py), looked up before the wheel's.
        translations_path=str(Path(__file__).resolve().parent.parent / "translations"),
    )
    for name in VIEW_MODULES:
        importlib.import_module(name).register(admin)
    app.jinja_env.globals["caseapp_page_heading"] = page_heading
    return admin
