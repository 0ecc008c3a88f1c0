"""The chapter "Begriffe und Quellen" before the method notes of every committee report: who is counted,
what the words of the tables mean (Stichtag against Datenstand above all), and which office's delivery
the figures rest on, with the day each delivery describes and the day it was read in."""
from __future__ import annotations

from sqlalchemy import func, select

from caseapp.codelists import SyncRunStatus
from caseapp.extensions import db
from caseapp.reports.blocks import Section, Table, Text
from caseapp.stats.publish import SUPPRESSED

POPULATION_DEFINITION = (
    "Gezählt werden nur Personen, die in der Migrationsdatenbank der Stadt erfasst sind: Geflüchtete und "
    "Zugewanderte, die die Ausländerbehörde oder eines der beteiligten Ämter (Sozialamt, Jugendamt, "
    "Schulamt, Jobcenter) kennt, angekündigt, in der Stadt angekommen, in einer Gemeinschaftsunterkunft "
    "oder in einer Wohnung, und nicht fortgezogen. Es ist nicht die gesamte Einwohnerschaft und auch nicht "
    "die Zahl aller Ausländerinnen und Ausländer im Melderegister; eine Person, die mehreren Ämtern bekannt "
    "ist, zählt einmal. Anonymisierte Fälle zählen nicht mit."
)

TERMS = (
    ("Stichtag", "Der Tag, den die Zahlen beschreiben (Bestand an diesem Tag, Verläufe bis zu diesem Tag)."),
    ("Datenstand", ("Der Tag, an dem die Zahlen aus der Datenbank gelesen wurden. Was danach für den "
                    "Zeitraum nachgemeldet wird, ist nicht enthalten; ein Bericht mit späterem Datenstand "
                    "kann deshalb für denselben Stichtag etwas andere Zahlen zeigen.")),
    ("Berichtszeitraum", ("Monat oder Quartal des Berichts; läuft er am Datenstand noch, sind die Zahlen "
                         "vorläufig.")),
    ("Gemeinschaftsunterkunft", ("Von der Stadt betriebene Unterkunft für Geflüchtete; Belegung = Personen "
                                 "mit einer Zimmerzuweisung am jeweiligen Tag.")),
    ("Zuzug, Wegzug", "Ankunft in der Stadt bzw. Fortzug aus der Stadt laut Fallverlauf."),
    ("Aufnahme, Auszug", ("Beginn bzw. Ende einer Unterbringung in einer Gemeinschaftsunterkunft laut "
                         "Fallverlauf; Verlegungen zwischen Unterkünften zählen nicht.")),
    ("Prognose", ("Fortschreibung der erfassten Kinder nach den gesetzlichen Stichtagen (Kita-Jahr ab "
                 "1. August, Einschulung mit sechs Jahren bis 30. September); die Spanne beruht auf dem "
                 "gemessenen Fehler früherer Prognosen.")),
    (SUPPRESSED, "Zahl aus Gründen des Datenschutzes nicht ausgewiesen."),
    ("–", "Kein Fall."),
)

# What each office's delivery contributes (office code -> German text).
DELIVERS = {
    "abh": "Personen, Staatsangehörigkeit, Aufenthaltsstatus, Anschrift (AZR-Nummer)",
    "soz": "Leistungen nach AsylbLG und SGB XII",
    "jug": "Hilfen zur Erziehung, Inobhutnahmen, Vormundschaften, Kita-Status",
    "sch": "Schule, Schulform, Sprachförderung",
    "jc": "Leistungen nach SGB II, Sprach- und Integrationskurse",
}


def section(inputs) -> Section:
    out = Section("begriffe", "Begriffe und Quellen")
    out.add(Text("Wer gezählt wird: " + POPULATION_DEFINITION))
    out.add(Table(caption="Begriffe", columns=["Begriff", "Bedeutung"], rows=[list(t) for t in TERMS],
                  text_columns=2))
    out.add(Table(caption="Quellen: letzte Lieferung jeder Stelle bis zum Stichtag "
                          f"{inputs.data_date:%d.%m.%Y}",
                  columns=["Stelle", "liefert", "Stand der Lieferung", "eingelesen am"],
                  rows=source_rows(inputs.data_date), text_columns=4,
                  note="Stand der Lieferung: der Tag, den die Daten der Stelle beschreiben. Daneben "
                       "erfassen die Beschäftigten der Ämter und der Unterkünfte Fälle und Belegungen "
                       "direkt in der Datenbank."))
    return out


def source_rows(day) -> list[list[str]]:
    """Per office with a delivery: its last completed sync run describing a day up to `day`."""
    from caseapp.offices.models import OFFICES
    from caseapp.sources.models import SyncRun

    latest = (select(SyncRun.source_code, func.max(SyncRun.as_of), func.max(SyncRun.finished_at))
              .where(SyncRun.status == SyncRunStatus.done, SyncRun.as_of <= day)
              .group_by(SyncRun.source_code))
    seen = {code: (as_of, finished) for code, as_of, finished in db.session.execute(latest)}
    rows = []
    for code, name in OFFICES.items():
        if code not in DELIVERS:
            continue
        as_of, finished = seen.get(code, (None, None))
        rows.append([name, DELIVERS[code], f"{as_of:%d.%m.%Y}" if as_of else "keine Lieferung",
                     f"{finished:%d.%m.%Y}" if finished else "–"])
    return rows
