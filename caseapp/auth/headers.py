"""Security headers on every response: a nonce-based CSP, frame denial, no referrer, no sniffing.

Scripts run only from our own origin or with the per-request nonce (Flask-Admin and Flask-Security
put it on their inline scripts); inline event handlers and foreign hosts are refused. Styles allow
inline attributes because Bootstrap and Flask-Admin use them; they cannot run code.
"""
from __future__ import annotations

import secrets

from flask import Flask, g, request

NONCE_KEY = "csp_nonce"


def csp_nonce() -> str:
    """The nonce of the current request (created on first use)."""
    if NONCE_KEY not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def content_security_policy(nonce: str) -> str:
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def _create_nonce() -> None:
    # Flask-Security's templates read the nonce from g instead of calling us, so create it early.
    csp_nonce()


def _set_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    if not (request.endpoint or "").endswith("static") or g.get("caseapp_no_store"):
        # Pages, answers and downloads (CSV, XLSX, PDF) may hold personal data: no copies in shared or
        # browser caches. Only the static files (scripts, styles) may be cached.
        headers["Cache-Control"] = "no-store"
    return response


def init_headers(app: Flask) -> None:
    app.config.setdefault("SECURITY_SCRIPT_NONCE_KEY", NONCE_KEY)
    app.before_request(_create_nonce)
    app.after_request(_set_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    # Flask-Admin renders nonce="..." on its inline scripts when it has a generator.
    for admin in app.extensions.get("admin", []):
        admin.csp_nonce_generator = csp_nonce
