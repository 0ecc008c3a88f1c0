"""`caseapp linkage persons|queue|decide|split` per the linkage contract; thin drivers of the operations."""
from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext

from caseapp.extensions import db


@click.group("linkage", help="Verknüpfung der Datensätze verschiedener Quellen zu einer Person.")
def linkage_group() -> None:
    pass


def _user(email: str | None):
    if not email:
        return None
    from caseapp.auth.models import User

    user = db.session.scalar(db.select(User).where(db.func.lower(User.email) == email.strip().lower()))
    if user is None:
        click.echo(f"Unbekannter Benutzer: {email}", err=True)
        sys.exit(1)
    return user


@linkage_group.command("persons", help="Jede Person mit ihren Datensätzen (source, key).")
@click.option("--json", "as_json", is_flag=True, help="Ein JSON-Objekt je Zeile")
@with_appcontext
def persons_command(as_json: bool) -> None:
    from caseapp.linkage.queries import persons_with_sources

    for row in persons_with_sources():
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            click.echo(f"{row['person_id']}: " + ", ".join(f"{s} {k}" for s, k in row["sources"]))


@linkage_group.command("queue", help="Die offenen Prüffälle.")
@click.option("--json", "as_json", is_flag=True, help="Ein JSON-Objekt je Zeile")
@with_appcontext
def queue_command(as_json: bool) -> None:
    from caseapp.linkage.queries import open_pairs

    for pair in open_pairs():
        row = {"pair_id": pair.id, "left": list(pair.left), "right": list(pair.right),
               "score": round(pair.score, 3), "kind": pair.kind}
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            click.echo(f"{pair.id}: {pair.left_source} {pair.left_key} / {pair.right_source} "
                       f"{pair.right_key} Gewicht {pair.score:.1f} ({pair.kind})")


def _fail(message: str) -> None:
    db.session.rollback()
    click.echo(message, err=True)
    sys.exit(1)


@linkage_group.command("decide", help="Einen Prüffall entscheiden: same (dieselbe Person) oder different.")
@click.argument("pair_id", type=int)
@click.argument("decision", type=click.Choice(["same", "different"]))
@click.option("--by", "email", help="E-Mail der entscheidenden Person (Datenpflege)")
@with_appcontext
def decide_command(pair_id: int, decision: str, email: str | None) -> None:
    from caseapp.linkage.models import ReviewPair
    from caseapp.linkage.operations import LinkageError, MergeRefused, decide_pair

    pair = db.session.get(ReviewPair, pair_id)
    if pair is None:
        _fail(f"Prüffall {pair_id} gibt es nicht.")
    user = _user(email)
    try:
        survivor = decide_pair(pair, decision, by=user, actor=None if user else "cli", channel="cli")
    except (LinkageError, MergeRefused) as exc:
        _fail(str(exc))
    db.session.commit()
    click.echo(f"Prüffall {pair_id}: " + (f"zusammengeführt in Person Nr. {survivor}" if survivor
                                           else "verschiedene Personen (gemerkt)"))


@linkage_group.command("split", help="Einen Datensatz (SOURCE KEY) von der Person trennen: eigene Person.")
@click.argument("person_id", type=int)
@click.argument("source")
@click.argument("key")
@click.option("--by", "email", help="E-Mail der trennenden Person (Datenpflege)")
@with_appcontext
def split_command(person_id: int, source: str, key: str, email: str | None) -> None:
    from caseapp.linkage.operations import LinkageError, split_record

    user = _user(email)
    try:
        new_id = split_record(person_id, source, key, by=user, actor=None if user else "cli", channel="cli")
    except LinkageError as exc:
        _fail(str(exc))
    db.session.commit()
    click.echo(f"{source} '{key}' gehört jetzt zu Person Nr. {new_id}.")


commands = [linkage_group]
