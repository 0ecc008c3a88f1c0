"""Benchmark of record linkage: quality on a generated population with known truth, and speed on PostgreSQL.

Quality (no database):  .venv/bin/python bench/bench_linkage.py quality [--persons 20000] [--seed 3]
Speed (PostgreSQL):     .venv/bin/python bench/bench_linkage.py speed [--known 50000] [--incoming 20000]
                        [--server postgresql://root@127.0.0.1:5432/postgres]

Quality runs the shipped model and rules (linkage.evaluate) beside the naive rule "equal AZR number or
equal folded name and birth date". Speed writes `--known` abh persons and `--incoming` soz persons of
the same generated city by COPY (what the importer does), then times `linker.link_persons` over the
incoming ones inside one transaction (rolled back), next to the time the COPY of those rows took.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def quality(args) -> None:
    from caseapp.linkage import evaluate, synth

    t = time.perf_counter()
    pop = synth.population(args.persons, seed=args.seed)
    q = evaluate.run(pop, upper=args.upper, lower=args.lower)
    result = {**q.as_dict(), "seconds": round(time.perf_counter() - t, 1), "not_linked_because": q.missed}
    print(json.dumps(result, ensure_ascii=False))


def _write(records, source: str, azr: bool = True) -> list[int]:
    """Persons, nationalities, source records and office membership by COPY, as an import writes them."""
    from caseapp.sources import bulk

    ids = bulk.allocate_ids("person", len(records))
    persons, nats, recs, offices = [], [], [], []
    for pid, (ident, _truth, key) in zip(ids, records):
        codes = ident.nationalities or ["XXX"]
        persons.append(
            (
                pid,
                ident.family_name,
                ident.given_names,
                ident.birth_date,
                ident.birth_precision,
                ident.sex,
                codes[0],
                "GESTATTUNG",
                "arrived",
                ident.street,
                ident.house_number,
                ident.postcode,
                ident.azr_number if azr else None,
                pid % 256,  # record key of the published figures' cell-key method
            )
        )
        nats.extend((pid, i, c) for i, c in enumerate(codes))
        recs.append((source, key, pid, "0" * 32))
        offices.append((pid, source, "source"))
    bulk.copy_rows(
        "person",
        (
            "id",
            "family_name",
            "given_names",
            "birth_date",
            "birth_precision",
            "sex",
            "nationality",
            "residence_status",
            "state",
            "street",
            "house_number",
            "postcode",
            "azr_number",
            "record_key",
        ),
        persons,
    )
    bulk.copy_rows("person_nationality", ("person_id", "position", "code"), nats)
    bulk.copy_rows("source_record", ("source_code", "key", "person_id", "values_hash"), recs)
    bulk.copy_rows("person_office", ("person_id", "office_code", "via"), offices)
    return ids


def speed(args) -> None:
    from flask_migrate import upgrade

    from caseapp import create_app
    from caseapp.extensions import db
    from caseapp.linkage import linker, synth
    from tests import services

    url, name = services.create_database(args.server)
    try:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg://"),
                "SECRET_KEY": "bench",
                "TESTING": True,
                "REDIS_URL": None,
            }
        )
        with app.app_context():
            upgrade()
            pop = synth.population(int(args.known / 0.85) + 1, seed=args.seed, abh_share=0.85)
            known = pop.records["abh"][: args.known]
            incoming = pop.records["soz"] + pop.records["jug"] + pop.records["sch"]
            incoming = [(i, t, f"Z-{n}") for n, (i, t, _k) in enumerate(incoming)][: args.incoming]
            _write(known, "abh")
            db.session.commit()
            t = time.perf_counter()
            # Records with a known AZR number are attached by the importer itself, never new persons.
            new_ids = _write(incoming, "soz", azr=False)
            copy_seconds = time.perf_counter() - t
            db.session.commit()
            t = time.perf_counter()
            counts = linker.link_persons(new_ids, source="soz", actor="source:soz")
            link_seconds = time.perf_counter() - t
            db.session.rollback()
            print(
                json.dumps(
                    {
                        "known": len(known),
                        "incoming": len(incoming),
                        "copy_seconds": round(copy_seconds, 1),
                        "link_seconds": round(link_seconds, 1),
                        **counts.as_dict(),
                        "phases": linker.LAST_TIMINGS,
                    },
                    ensure_ascii=False,
                )
            )
    finally:
        services.drop_database(args.server, name)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="mode", required=True)
    q = sub.add_parser("quality")
    q.add_argument("--persons", type=int, default=20000)
    q.add_argument("--seed", type=int, default=3)
    q.add_argument("--upper", type=float, default=4.0)
    q.add_argument("--lower", type=float, default=1.0)
    s = sub.add_parser("speed")
    s.add_argument("--known", type=int, default=50000)
    s.add_argument("--incoming", type=int, default=20000)
    s.add_argument("--seed", type=int, default=3)
    s.add_argument("--server", default="postgresql://root@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    quality(args) if args.mode == "quality" else speed(args)


if __name__ == "__main__":
    main()
