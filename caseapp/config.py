"""Settings read from the environment; one class, no hidden defaults elsewhere."""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url: str) -> str:
    """Let operators write plain postgresql:// URLs; we always talk psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def demo_secret_key(instance_path: str) -> str:
    """The demo keeps a generated key in the instance folder so sessions survive restarts."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def audit_key_from_environment() -> str | None:
    """CASEAPP_AUDIT_KEY, or the first line of the file CASEAPP_AUDIT_KEY_FILE (a mounted secret)."""
    if os.environ.get("CASEAPP_AUDIT_KEY"):
        return os.environ["CASEAPP_AUDIT_KEY"]
    path = os.environ.get("CASEAPP_AUDIT_KEY_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip() or None
    return None


def load_config(instance_path: str, overrides: dict | None = None) -> dict:
    overrides = overrides or {}
    demo = _bool("CASEAPP_DEMO", False) or overrides.get("CASEAPP_DEMO", False)
    testing = overrides.get("TESTING", False)
    database_url = overrides.get("SQLALCHEMY_DATABASE_URI") or os.environ.get("DATABASE_URL")
    if not database_url:
        database_url = "sqlite:///" + str(Path(instance_path) / "caseapp.db")
    secret_key = overrides.get("SECRET_KEY") or os.environ.get("SECRET_KEY")
    if not secret_key:
        if demo or testing:
            secret_key = demo_secret_key(instance_path)
        else:
            raise RuntimeError(
                "SECRET_KEY is not set. Set it in the environment (production), or CASEAPP_DEMO=1 "
                "for the demo, which generates one in the instance folder."
            )
    redis_url = overrides.get("REDIS_URL", os.environ.get("REDIS_URL") or None)
    audit_key = overrides.get("CASEAPP_AUDIT_KEY") or audit_key_from_environment()
    if not audit_key:
        if demo or testing:
            audit_key = "audit-chain:" + secret_key  # derived: demo and tests only
        else:
            raise RuntimeError(
                "CASEAPP_AUDIT_KEY (or CASEAPP_AUDIT_KEY_FILE) is not set. The audit chain's HMAC key must "
                "come from outside the database, e.g. a file only the app's service user can read."
            )

    cfg = {
        "CASEAPP_DEMO": demo,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        # hide_parameters: a database error names the statement but never its values (names, AZR numbers).
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        # Largest request body; no view takes files, forms and JSON stay far below.
        "MAX_CONTENT_LENGTH": int(os.environ.get("CASEAPP_MAX_REQUEST_KB", "1024")) * 1024,
        "REDIS_URL": redis_url,
        "CASEAPP_INBOX": os.environ.get("CASEAPP_INBOX", str(Path(instance_path) / "inbox")),
        "CASEAPP_ARCHIVE": os.environ.get("CASEAPP_ARCHIVE", str(Path(instance_path) / "archive")),
        # Lifetime of the per-source Redis lock that keeps two syncs of one source apart.
        "CASEAPP_SYNC_LOCK_SECONDS": int(os.environ.get("CASEAPP_SYNC_LOCK_SECONDS", "600")),
        # Prefix of the scheduled tasks' Redis locks (caseapp/tasks/locks.py); tests use their own.
        "CASEAPP_LOCK_NAMESPACE": os.environ.get("CASEAPP_LOCK_NAMESPACE", "caseapp"),
        "CASEAPP_SOURCE_JC_ENABLED": _bool("CASEAPP_SOURCE_JC_ENABLED", False),
        "CASEAPP_SYNC_MAX_BYTES": int(os.environ.get("CASEAPP_SYNC_MAX_BYTES", str(100 * 1024 * 1024))),
        "CASEAPP_SYNC_MAX_LINE": int(os.environ.get("CASEAPP_SYNC_MAX_LINE", "10000")),
        "CASEAPP_SYNC_MISSING_HOLD_SHARE": float(os.environ.get("CASEAPP_SYNC_MISSING_HOLD_SHARE", "0.10")),
        "CASEAPP_SYNC_MISSING_HOLD_MIN": int(os.environ.get("CASEAPP_SYNC_MISSING_HOLD_MIN", "10")),
        "CASEAPP_REPORT_DIR": os.environ.get("CASEAPP_REPORT_DIR", str(Path(instance_path) / "reports")),
        # Published figures: counts 1..k-1 are suppressed for aggregate-only readers.
        "CASEAPP_SUPPRESSION_K": int(os.environ.get("CASEAPP_SUPPRESSION_K", "3")),
        # Longest a protected statistics query may run before it is refused (never a stalled worker).
        "CASEAPP_STATS_TIMEOUT_MS": int(os.environ.get("CASEAPP_STATS_TIMEOUT_MS", "1000")),
        # A protected table of more cells than this is refused (caseapp/stats/publish.py).
        "CASEAPP_STATS_MAX_CELLS": int(os.environ.get("CASEAPP_STATS_MAX_CELLS", "20000")),
        "CASEAPP_AGE_GROUPS": os.environ.get(
            "CASEAPP_AGE_GROUPS", "0-2,3-5,6-9,10-15,16-17,18-24,25-44,45-64,65+"
        ),
        # Retention (caseapp/privacy/retention.py): person data in months after the case ended, rejected
        # raw lines in months and archived delivery files in days after receipt; per source e.g.
        # "jug.person=36,abh.delivery=30".
        "CASEAPP_RETENTION_PERSON_MONTHS": int(os.environ.get("CASEAPP_RETENTION_PERSON_MONTHS", "24")),
        "CASEAPP_RETENTION_RAW_RECORD_MONTHS": int(os.environ.get("CASEAPP_RETENTION_RAW_RECORD_MONTHS",
                                                                  "6")),
        "CASEAPP_RETENTION_DELIVERY_DAYS": int(os.environ.get("CASEAPP_RETENTION_DELIVERY_DAYS", "90")),
        "CASEAPP_RETENTION_OVERRIDES": os.environ.get("CASEAPP_RETENTION_OVERRIDES", ""),
        # Erased keys are kept as HMACs with this pepper; set it in production (it must never change).
        "CASEAPP_ERASURE_PEPPER": os.environ.get("CASEAPP_ERASURE_PEPPER") or "erasure:" + secret_key,
        # Append-only erasure journal outside the database, so a restored backup can re-apply erasures.
        "CASEAPP_ERASURE_JOURNAL": os.environ.get(
            "CASEAPP_ERASURE_JOURNAL", str(Path(instance_path) / "erasure-journal.jsonl")
        ),
        # The audit chain's HMAC key (audit/chain.py): held by the app, never by the database's owner.
        "CASEAPP_AUDIT_KEY": audit_key,
        # An anchor is appended after every commit that wrote this many audit rows since the last one (1:
        # each).
        "CASEAPP_AUDIT_ANCHOR_ROWS": int(os.environ.get("CASEAPP_AUDIT_ANCHOR_ROWS", "1")),
        # Anchors of the audit chain (newest row and hash), appended outside the database (audit/anchors.py).
        "CASEAPP_AUDIT_ANCHOR_FILE": os.environ.get(
            "CASEAPP_AUDIT_ANCHOR_FILE", str(Path(instance_path) / "audit-anchors.jsonl")
        ),
        # Record linkage (docs/linkage.md): match weights (log2 of the Bayes factor, prior included) at or
        # above the upper threshold link automatically, between the two go to the review queue.
        "CASEAPP_LINKAGE_UPPER": float(os.environ.get("CASEAPP_LINKAGE_UPPER", "4")),
        "CASEAPP_LINKAGE_LOWER": float(os.environ.get("CASEAPP_LINKAGE_LOWER", "1")),
        # Babel: German first, English as the second language.
        "BABEL_DEFAULT_LOCALE": "de",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Berlin",
        "CASEAPP_LANGUAGES": ["de", "en"],
        # Flask-Security-Too
        "SECURITY_PASSWORD_HASH": "argon2",
        "SECURITY_PASSWORD_SALT": os.environ.get("SECURITY_PASSWORD_SALT", secret_key[:22]),
        "SECURITY_PASSWORD_LENGTH_MIN": 12,
        "SECURITY_PASSWORD_COMPLEXITY_CHECKER": "zxcvbn",
        "SECURITY_PASSWORD_CHECK_BREACHED": False,
        "SECURITY_EMAIL_VALIDATOR_ARGS": {"check_deliverability": False},
        "SECURITY_RETURN_GENERIC_RESPONSES": True,
        "SECURITY_CSRF_IGNORE_UNAUTH_ENDPOINTS": True,
        "SECURITY_CSRF_PROTECT_MECHANISMS": ["session", "basic"],
        "SECURITY_TOKEN_AUTHENTICATION_HEADER": "Authentication-Token",
        "SECURITY_TOKEN_MAX_AGE": 8 * 3600,
        "SECURITY_REGISTERABLE": False,
        "SECURITY_SEND_REGISTER_EMAIL": False,
        "SECURITY_SEND_PASSWORD_CHANGE_EMAIL": False,
        "SECURITY_SEND_PASSWORD_RESET_EMAIL": False,
        "SECURITY_SEND_PASSWORD_RESET_NOTICE_EMAIL": False,
        "SECURITY_CHANGEABLE": True,
        "SECURITY_TRACKABLE": True,
        "SECURITY_POST_LOGIN_VIEW": "/admin/",
        "SECURITY_POST_LOGOUT_VIEW": "/login",
        "SECURITY_TWO_FACTOR": True,
        "SECURITY_TWO_FACTOR_ENABLED_METHODS": ["authenticator"],
        "SECURITY_TWO_FACTOR_REQUIRED": _bool("CASEAPP_2FA_REQUIRED", not demo and not testing),
        "SECURITY_TOTP_SECRETS": {"1": os.environ.get("SECURITY_TOTP_SECRET", secret_key)},
        "SECURITY_TOTP_ISSUER": "caseapp Osnabrück",
        "WTF_CSRF_ENABLED": True,
        "WTF_CSRF_CHECK_DEFAULT": False,
        "WTF_CSRF_TIME_LIMIT": None,
        "PERMANENT_SESSION_LIFETIME": timedelta(
            minutes=int(os.environ.get("CASEAPP_SESSION_ABSOLUTE_MINUTES", "480"))
        ),
        # Server-side sessions (caseapp/auth/sessions.py): Redis when REDIS_URL is set, else files in the
        # instance folder, so the embedded demo runs without Redis. The idle timeout is checked per request.
        "CASEAPP_SESSION_IDLE_TIMEOUT": timedelta(
            minutes=int(os.environ.get("CASEAPP_IDLE_TIMEOUT_MINUTES", "30"))
        ),
        "CASEAPP_SESSION_DIR": os.environ.get("CASEAPP_SESSION_DIR", str(Path(instance_path) / "sessions")),
        "SESSION_TYPE": "redis" if redis_url else "cachelib",
        # A session without a login (the login page's CSRF token) is kept this long, not the full lifetime.
        "CASEAPP_ANONYMOUS_SESSION_MINUTES": int(os.environ.get("CASEAPP_ANONYMOUS_SESSION_MINUTES", "15")),
        "SESSION_PERMANENT": True,
        "SESSION_KEY_PREFIX": "caseapp:session:",
        "SESSION_COOKIE_NAME": "caseapp_session",
        "SESSION_REFRESH_EACH_REQUEST": False,
        "SECURITY_DEFAULT_REMEMBER_ME": False,
        "SECURITY_LOGOUT_CSRF": True,
        "SECURITY_TWO_FACTOR_ALWAYS_VALIDATE": True,
        # Login throttling (caseapp/auth/throttle.py): failures per account name and per client address
        # within the window; once reached, logins are refused until the window has passed.
        "CASEAPP_LOGIN_MAX_FAILURES_ACCOUNT": int(os.environ.get("CASEAPP_LOGIN_MAX_FAILURES_ACCOUNT", "5")),
        "CASEAPP_LOGIN_MAX_FAILURES_IP": int(os.environ.get("CASEAPP_LOGIN_MAX_FAILURES_IP", "30")),
        "CASEAPP_LOGIN_LOCKOUT_MINUTES": int(os.environ.get("CASEAPP_LOGIN_LOCKOUT_MINUTES", "15")),
        "CASEAPP_THROTTLE_STORAGE": redis_url or "memory://",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("CASEAPP_SECURE_COOKIES", not demo and not testing),
        "MAIL_SUPPRESS_SEND": True,
        "FLASK_ADMIN_SWATCH": "default",
    }
    cfg.update(overrides)
    return cfg
