"""The restore drill: restore a pg_dump into a scratch database and prove it is fit to go live.

Checks, in the scratch copy: the schema is at the newest migration, the audit trail's hash chain is
intact, and every erasure in the erasure journal holds again after re-applying it (so a backup taken
before an erasure cannot bring the person back). The live database is never touched except for one
audit row saying that a drill ran.
"""
from __future__ import annotations

import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import func, or_, select, text
from sqlalchemy.engine import make_url

from caseapp.audit.verify import verify_chain
from caseapp.extensions import db
from caseapp.people.models import Person
from caseapp.privacy import journal
from caseapp.privacy.models import ErasedKey
from caseapp.privacy.operations import reapply_erasures

MIGRATIONS = Path(__file__).resolve().parent.parent.parent / "migrations"
# Settings the scratch app must share with the live one (markers and fingerprints depend on the pepper).
SHARED_KEYS = ("SECRET_KEY", "TESTING", "CASEAPP_DEMO", "CASEAPP_ERASURE_PEPPER", "CASEAPP_ERASURE_JOURNAL",
               "SECURITY_PASSWORD_SALT", "SECURITY_TOTP_SECRETS", "SECURITY_TWO_FACTOR_REQUIRED")


class DrillError(RuntimeError):
    pass


@dataclass
class DrillResult:
    database: str
    schema_version: str | None = None
    schema_head: str | None = None
    audit_checked: int = 0
    audit_broken_id: int | None = None
    audit_reason: str | None = None
    erasures: dict = field(default_factory=dict)
    names_left: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict:
        return {"ok": self.ok, "database": self.database, "schema_version": self.schema_version,
                "schema_head": self.schema_head, "audit_checked": self.audit_checked,
                "audit_broken_id": self.audit_broken_id, "erasures": self.erasures,
                "names_left": self.names_left, "problems": self.problems}


def schema_head() -> str:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def _libpq(url: str) -> str:
    """postgresql+psycopg://... -> postgresql://... for psycopg and the pg_* tools."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _run(cmd: list[str]) -> None:
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True)
    if proc.returncode != 0:
        raise DrillError(f"{cmd[0]} fehlgeschlagen: {proc.stderr.strip()[-800:]}")


def restore_into_scratch(dump: Path, live_url: str) -> tuple[str, str]:
    """Create an empty scratch database next to the live one and restore the dump; returns (url, name)."""
    if make_url(live_url).get_backend_name() != "postgresql":
        raise DrillError("Die Wiederherstellungsübung braucht PostgreSQL (DATABASE_URL).")
    name = f"caseapp_drill_{uuid.uuid4().hex[:10]}"
    server = _libpq(live_url)
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    scratch = make_url(live_url).set(database=name).render_as_string(hide_password=False)
    with dump.open("rb") as fh:
        custom = fh.read(5) == b"PGDMP"
    if custom:
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "-d",
                _libpq(scratch),
                str(dump),
            ]
        )
    else:
        _run(["psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", _libpq(scratch), "-f", str(dump)])
    return scratch, name


def drop_scratch(live_url: str, name: str) -> None:
    with psycopg.connect(_libpq(live_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def check_restored(result: DrillResult, *, upgrade_schema: bool) -> None:
    """Runs inside the scratch app's context: schema, audit chain, erasures."""
    from flask_migrate import upgrade

    result.schema_head = schema_head()
    result.schema_version = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    if result.schema_version != result.schema_head:
        if not upgrade_schema:
            result.problems.append(f"Schema-Stand {result.schema_version}, erwartet {result.schema_head} "
                                   "(mit --upgrade wird die Kopie migriert)")
            return
        db.session.commit()
        upgrade(directory=str(MIGRATIONS))
        result.schema_version = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    _check_chain(result, "vor dem Nachtragen der Löschungen")
    if result.problems:
        return
    result.erasures = reapply_erasures(journal.read(), actor="restore", channel="cli")
    db.session.commit()
    if result.erasures["mismatched"]:
        result.problems.append("Löschjournal passt nicht zu Personen-Nr. "
                               + ", ".join(map(str, result.erasures["mismatched"])))
    result.names_left = db.session.scalar(select(func.count(Person.id)).where(
        Person.anonymised_at.is_not(None),
        or_(Person.family_name.is_not(None), Person.given_names.is_not(None), Person.azr_number.is_not(None),
            Person.street.is_not(None))))
    if result.names_left:
        result.problems.append(f"{result.names_left} anonymisierte Personen tragen noch Namen oder Anschrift")
    missing = _missing_markers()
    if missing:
        result.problems.append(f"{missing} Löschmarker fehlen nach dem Nachtragen")
    _check_chain(result, "nach dem Nachtragen der Löschungen")


def _check_chain(result: DrillResult, when: str) -> None:
    report = verify_chain(db.session)
    result.audit_checked = report.checked
    if not report.intact:
        result.audit_broken_id, result.audit_reason = report.broken_id, report.reason
        result.problems.append(
            f"Protokoll beschädigt ab Eintrag {report.broken_id} ({when}): {report.reason}"
        )


def _missing_markers() -> int:
    wanted = {m for entry in journal.read() for _src, m in entry.markers}
    present = set(db.session.scalars(select(ErasedKey.marker)))
    return len(wanted - present)


def run_drill(dump: Path, *, keep: bool = False, upgrade_schema: bool = False) -> DrillResult:
    """Restore, check in a second app bound to the scratch database, drop the scratch copy."""
    from caseapp import create_app  # the app factory sits above this module; imported only when a drill runs

    live = current_app._get_current_object()
    live_url = live.config["SQLALCHEMY_DATABASE_URI"]
    scratch_url, name = restore_into_scratch(dump, live_url)
    result = DrillResult(database=name)
    overrides = {k: live.config[k] for k in SHARED_KEYS if k in live.config}
    overrides.update({"SQLALCHEMY_DATABASE_URI": scratch_url, "REDIS_URL": None})
    try:
        scratch_app = create_app(overrides)
        # create_app made the scratch app Celery's default; give the default back to the live app.
        live.extensions["celery"].set_default()
        with scratch_app.app_context():
            try:
                check_restored(result, upgrade_schema=upgrade_schema)
            finally:
                db.session.remove()
                db.engine.dispose()
    finally:
        if not keep:
            drop_scratch(live_url, name)
    return result
