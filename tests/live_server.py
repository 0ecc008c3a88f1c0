"""Shared helpers for browser tests: a live server on a fresh PostgreSQL database and Debian's Chromium."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests import services
from tests.conftest import TEST_PASSWORD, make_app

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@contextmanager
def serve(pg_server, tmp_path_factory, seed):
    """Migrate a throw-away database, run seed(db) (it commits), serve the app; yields (base URL, seed's
    result)."""
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    url, name = services.create_database(pg_server)
    app = make_app(url.replace("postgresql://", "postgresql+psycopg://"),
                   CASEAPP_SESSION_DIR=str(tmp_path_factory.mktemp("sessions")))
    from caseapp.extensions import db

    with app.app_context():
        upgrade()
        seeded = seed(db)
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", seeded
    finally:
        server.shutdown()
        with app.app_context():
            db.engine.dispose()
        services.drop_database(pg_server, name)


@pytest.fixture()
def browser_page(tmp_path):
    """A headless Chromium page (German locale, 1280x900) with its own profile."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900}, locale="de-DE",
        )
        page = context.new_page()
        page.set_default_timeout(15000)
        try:
            yield page
        finally:
            context.close()


def login(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("[type=submit]")
    page.wait_for_url(f"{base}/admin/**")
