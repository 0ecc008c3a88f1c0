"""Benchmark of record linkage: quality on a generated population with known truth, and speed on PostgreSQL.

Quality (no database):  .venv/bin/python bench/bench_linkage.py quality [--persons 20000] [--seed 3]
Speed (PostgreSQL):     .venv/bin/python bench/bench_linkage.py speed [--known 50000] [--incoming 20000]
                        [--server postgresql://root@127.0.0.1:5432/postgres]
Import ratio:           .venv/bin/python bench/bench_linkage.py import [--known 50000] [--incoming 20000]
                        [--repeat 2]

Import ratio is issue 14's target: a real `soz` CSV delivery of `--incoming` records imported through
`caseapp.sources.operations.import_file` against `--known` abh persons, once with record linkage and once
without (linkage/hooks.before_create deciding nothing, so every record becomes a person), each in a
fresh database; the ratio of the two wall times must stay <= 3.

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
    """Persons, nationalities, source records and office membership by COPY, as an import writes them:
    each source record with the identity it delivered (what precedence derives the shown fields from)."""
    from caseapp.sources import bulk
    from caseapp.sources import identity as src_identity
    from caseapp.sources.registry import get_adapter

    delivered = get_adapter(source).person_fields

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
        fields = {"azr_number": ident.azr_number if azr else None, "family_name": ident.family_name,
                  "given_names": ident.given_names, "birth_date": ident.birth_date,
                  "birth_precision": ident.birth_precision, "sex": ident.sex, "nationality": codes[0],
                  "residence_status": "GESTATTUNG", "street": ident.street,
                  "house_number": ident.house_number, "postcode": ident.postcode}
        recs.append((source, key, pid, "0" * 32, src_identity.to_json(fields, codes, delivered)))
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
    bulk.copy_rows("source_record", ("source_code", "key", "person_id", "values_hash", "identity"), recs)
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


def _soz_csv(incoming) -> bytes:
    """The incoming records as the social benefits office's export (spec/office-deliveries.md)."""
    import csv
    import io

    from caseapp.people.birthdate import BirthDate
    from caseapp.sources.registry import get_adapter

    columns = [c.name for c in get_adapter("soz").columns_spec]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    for n, (ident, _truth, _key) in enumerate(incoming):
        values = {"soz_id": f"SZ-{n}", "azr_nr": "", "familienname": ident.family_name or "X",
                  "vornamen": ident.given_names or "X",
                  "geburtsdatum": BirthDate(ident.birth_date, ident.birth_precision).german,
                  "geschlecht": ident.sex, "staatsangehoerigkeit": ",".join(ident.nationalities) or "XXX",
                  "strasse": ident.street or "", "hausnummer": ident.house_number or "",
                  "plz": ident.postcode or "", "ort": "Osnabrück" if ident.street else "",
                  "leistungsart": "ASYLBLG3"}
        writer.writerow([values.get(c, "") for c in columns])
    return out.getvalue().encode("utf-8")


def _cli_import(uri: str, data: bytes, mode: str) -> dict:
    """`caseapp sync import soz FILE --json` under /usr/bin/time -v (with linkage: the CLI always links)."""
    import os
    import re
    import subprocess
    import tempfile

    if mode != "with":
        raise SystemExit("--separate measures the import with linkage only (--modes with)")
    path = Path(tempfile.mkdtemp(prefix="bench-linkage-")) / "SOZ_20261130.csv"
    path.write_bytes(data)
    env = {**os.environ, "DATABASE_URL": uri, "SECRET_KEY": "bench", "REDIS_URL": "",
           "CASEAPP_AUDIT_KEY": os.environ.get("CASEAPP_AUDIT_KEY", "bench-audit-key-bench-audit-key-1"),
           "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    caseapp = Path(sys.executable).with_name("caseapp")
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-v", str(caseapp), "sync", "import", "soz", str(path), "--json"],
                          env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    path.unlink()
    if done.returncode not in (0, 3):
        raise SystemExit(f"import failed ({done.returncode}): {done.stdout[-2000:]} {done.stderr[-2000:]}")
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    return {"seconds": round(seconds, 1), "peak_rss_mb": round(int(rss[1]) / 1024) if rss else None,
            **{k: summary.get(k) for k in ("records", "linked", "queued", "new_persons", "rejected")}}


def import_ratio(args) -> None:
    from datetime import date

    from flask_migrate import upgrade

    from caseapp import create_app
    from caseapp.extensions import db
    from caseapp.linkage import hooks, linker, synth
    from caseapp.sources.operations import import_file
    from tests import services

    pop = synth.population(int(args.known / 0.85) + 1, seed=args.seed, abh_share=0.85)
    known = pop.records["abh"][: args.known]
    incoming = (pop.records["soz"] + pop.records["jug"] + pop.records["sch"])[: args.incoming]
    data = _soz_csv(incoming)
    real_hook = hooks.before_create
    # A worker imports many deliveries in one process: Splink, DuckDB and the model are loaded once. Load
    # them here, before any clock runs, by scoring two records against each other.
    linker.score_against_known({1: known[0][0]}, {2: known[1][0]}, upper=4.0)
    results = {"without": [], "with": []}
    for _ in range(args.repeat):
        for mode in args.modes.split(","):
            url, name = services.create_database(args.server)
            try:
                uri = url.replace("postgresql://", "postgresql+psycopg://")
                app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "bench", "TESTING": True,
                                  "REDIS_URL": None})
                with app.app_context():
                    upgrade()
                    _write(known, "abh")
                    db.session.commit()
                    hooks.before_create = real_hook if mode == "with" else (
                        lambda source, creates, **kw: hooks.Prelinked())
                    if args.separate:  # the import alone in a process of its own: time and peak memory
                        db.engine.dispose()
                        results[mode].append(_cli_import(uri, data, mode))
                        continue
                    t = time.perf_counter()
                    summary = import_file("soz", data, file_name="SOZ_20261130.csv", as_of=date(2026, 11, 30))
                    db.session.commit()
                    seconds = time.perf_counter() - t
                    results[mode].append({"seconds": round(seconds, 1), "records": summary.records,
                                          "linked": summary.linked, "queued": summary.queued,
                                          "new_persons": summary.new_persons, "rejected": summary.rejected,
                                          **({"phases": dict(linker.LAST_TIMINGS)} if mode == "with"
                                             else {})})
                    db.engine.dispose()
            finally:
                hooks.before_create = real_hook
                services.drop_database(args.server, name)
    best = {m: min(r["seconds"] for r in runs) for m, runs in results.items() if runs}
    print(json.dumps({"known": len(known), "incoming": len(incoming), "runs": results,
                      "ratio_of_best": round(best["with"] / best["without"], 2) if len(best) == 2 else None},
                     ensure_ascii=False))


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
    i = sub.add_parser("import")
    i.add_argument("--known", type=int, default=50000)
    i.add_argument("--incoming", type=int, default=20000)
    i.add_argument("--repeat", type=int, default=2)
    i.add_argument("--separate", action="store_true",
                   help="the import through the CLI in a process of its own (time and peak memory)")
    i.add_argument("--modes", default="without,with",
                   help="which imports to run: without,with (the ratio) or only with (a state's size)")
    i.add_argument("--seed", type=int, default=3)
    i.add_argument("--server", default="postgresql://root@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    {"quality": quality, "speed": speed, "import": import_ratio}[args.mode](args)


if __name__ == "__main__":
    main()
