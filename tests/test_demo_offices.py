"""The demo city's other offices (issue 14 item 7): soz, jug and sch deliver their view of the same
people, imported through the adapters, pooled by record linkage, with a few pairs left for review."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

TODAY = date(2026, 11, 30)


def test_demo_city_pools_the_offices_deliveries_and_leaves_a_review_queue(app, db):
    from caseapp.demo.operations import create_demo_city
    from caseapp.linkage.models import ReviewPair
    from caseapp.sources.models import SourceRecord
    from caseapp.sources.soz import SozFact

    summary = create_demo_city(persons=1500, seed=3, today=TODAY, accounts=False, office_deliveries=True)
    db.session.commit()
    assert set(summary.deliveries) == {"soz", "jug", "sch"}
    for code, d in summary.deliveries.items():
        assert d.status == "done", (code, d.message)
        # most records describe persons the city knows and link to them; some are new, a few doubtful
        assert d.linked >= 0.8 * d.records, (code, d)
    # humans the city had not seen: the first office to deliver them creates them, the later ones link
    assert sum(d.new_persons for d in summary.deliveries.values()) > 0
    assert sum(d.queued for d in summary.deliveries.values()) > 0
    assert sum(d.rejected for d in summary.deliveries.values()) > 0  # the quarantine has something to show
    pending = db.session.scalar(select(func.count()).select_from(ReviewPair)
                                .where(ReviewPair.status == "open"))
    assert pending > 0
    by_source = dict(db.session.execute(select(SourceRecord.source_code, func.count())
                                        .group_by(SourceRecord.source_code)).all())
    assert by_source["soz"] == summary.deliveries["soz"].records - summary.deliveries["soz"].rejected
    assert db.session.scalar(select(func.count()).select_from(SozFact)) > 0
    # the same seed gives the same deliveries (a demo is reproducible)
    import random

    from caseapp.demo.generator import build_city
    from caseapp.demo.offices import delivery_records
    from caseapp.demo.rows import city_rows

    city = build_city(1500, 3, TODAY)
    rows = city_rows(city, random.Random("3:offices"))
    assert delivery_records(city, rows, "jug", 3) == delivery_records(city, rows, "jug", 3)


def test_demo_command_on_the_embedded_default_imports_the_deliveries(tmp_path):
    """`bash scripts/demo` path: SQLite, the command as the README runs it, deliveries and linkage included,
    and every audit row anchored (a savepoint's anchor once waited for SQLite's write lock and failed)."""
    from tests.test_demo import _upgraded_app

    app = _upgraded_app(f"sqlite:///{tmp_path / 'demo.db'}")
    app.config["CASEAPP_AUDIT_ANCHOR_FILE"] = str(tmp_path / "anchors.jsonl")
    result = app.test_cli_runner().invoke(args=["demo", "--persons", "400", "--seed", "2", "--no-accounts",
                                                "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    for code in ("soz", "jug", "sch"):
        assert f"Lieferung {code}:" in result.output
    assert "zur Prüfung (Datenpflege)" in result.output
    with app.app_context():
        from caseapp.audit.anchors import verify_and_anchor
        from caseapp.extensions import db

        report, _anchor = verify_and_anchor(db.session)
        assert report.intact
