"""Ausschuss für Feuerwehr und Ordnung: occupancy of every shelter against beds and fire-safety maximum,
the trend over the period, arrivals and departures, the map of shelters and districts, and each
shelter's own part (its figures and its daily course against beds and fire-safety limit)."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from caseapp.codelists import ShelterState
from caseapp.extensions import db
from caseapp.reports import queries, sparks, tables
from caseapp.reports.blocks import NoData, Section, Table, Text
from caseapp.reports.compose import Content
from caseapp.reports.content import common
from caseapp.reports.content import shelters as shelter_parts
from caseapp.reports.typography import number, percent
from caseapp.shelters.models import Shelter
from caseapp.stats.occupancy import MOVEMENT_LABELS_DE, movements, shelter_overview
from caseapp.stats.publish import SUPPRESSED, population_tables
from caseapp.workflows.states import STATE_LABELS_DE


def build(inputs) -> Content:
    shelters = _shelters_of_period(inputs)
    daily = shelter_parts.protected_daily(inputs, shelters)
    sections = [_occupancy(inputs, shelters)]
    inputs.progress(0.3, "Belegungsverlauf")
    sections.append(_trend(inputs, shelters, daily))
    inputs.progress(0.55, "Zu- und Fortzüge")
    sections.append(_movements(inputs, daily))
    inputs.progress(0.7, "Karte")
    sections.append(_map(inputs, shelters))
    inputs.progress(0.8, "Unterkünfte im Einzelnen")
    sections.append(shelter_parts.section(inputs, shelters, _fire_limits(), common.district_names(), daily))
    return Content(sections=sections, notes=[
        ("Belegung: Personen mit einer Belegung (Zimmerzuweisung) am Stichtag. Plätze: Betten abzüglich "
        "gesperrter Betten, höchstens so viele, wie die Brandschutzauflage zulässt. Gesperrte Betten und "
        "Brandschutzgrenzen sind nur im heutigen Stand bekannt und werden für frühere Tage so verwendet."),
        ("Zu- und Fortzüge werden aus der Verlaufsgeschichte der Fälle gezählt (Ankunft, Wegzug, Aufnahme in "
        "eine Unterkunft, Auszug aus einer Unterkunft); Verlegungen zwischen Unterkünften zählen nicht."),
    ], population="Die Gemeinschaftsunterkünfte der Stadt, die im Berichtszeitraum an mindestens einem Tag "
                  "geöffnet oder belegt waren, und die Fälle, die in ihnen wohnen oder im Berichtszeitraum "
                  "zu- oder fortgezogen sind.")


def _shelters_of_period(inputs) -> list[dict]:
    """The shelters open (or occupied) on at least one day of the period, each with its state on the data
    date.

    Shelters closed before the period began or opened only after the data date are no part of it: they
    would add beds nobody could use then.
    """
    states = queries.shelter_states_in(inputs.period.start, inputs.data_date)
    occupied = queries.daily_occupancy_by_shelter(inputs.period.start, inputs.data_date)
    out = []
    for row in shelter_overview(inputs.data_date):
        was_open, state = states.get(row["id"], (False, row["state"]))
        if was_open or any(occupied.get(row["id"], ())):
            out.append({**row, "state": state})
    return out


def _fire_limits() -> dict[int, int | None]:
    return dict(db.session.execute(select(Shelter.id, Shelter.fire_safety_max)).all())


def _occupancy(inputs, shelters: list[dict]) -> Section:
    section = Section("belegung", "Belegung der Gemeinschaftsunterkünfte")
    if not shelters:
        return section.add(NoData("Im Berichtszeitraum war keine Gemeinschaftsunterkunft geöffnet."))
    limits, names = _fire_limits(), common.district_names()
    rows = [{"shelter": r["id"], "count": r["occupied"]} for r in shelters]
    occupied = tables.protected_lattice(rows, ("shelter",), inputs.k)
    body, over = [], 0
    for r in shelters:
        shown = tables.printed(occupied[("shelter",)], (r["id"],))
        limit = limits.get(r["id"])
        exact_ok = shown not in (SUPPRESSED, None)
        if limit is not None and r["occupied"] > limit:
            over += 1
        body.append([
            r["name"], names.get(r["district"], r["district"]), STATE_LABELS_DE.get(r["state"], r["state"]),
            r["beds"], limit if limit is not None else "keine", shown,
            percent(r["occupied"] / r["beds"]) if r["beds"] and exact_ok else "",
            percent(r["occupied"] / limit) if limit and exact_ok else "",
        ])
    total_beds = sum(r["beds"] for r in shelters)
    total_occ = tables.printed(occupied[()], ())
    count = "1 Gemeinschaftsunterkunft" if len(shelters) == 1 else f"{len(shelters)} Gemeinschaftsunterkünfte"
    verdict = ("Keine Unterkunft überschreitet ihre Brandschutzgrenze." if not over else
               "1 Unterkunft überschreitet die Brandschutzgrenze." if over == 1 else
               f"{over} Unterkünfte überschreiten die Brandschutzgrenze.")
    section.add(Text(f"Im Berichtszeitraum war{'en' if len(shelters) != 1 else ''} {count} an mindestens "
                     f"einem Tag geöffnet, mit zusammen {number(total_beds)} Betten; am "
                     f"{inputs.data_date:%d.%m.%Y} waren {number(total_occ)} Plätze belegt. " + verdict))
    section.add(
        Table(
            caption=f"Belegung je Unterkunft am {inputs.data_date:%d.%m.%Y}",
            columns=[
                "Unterkunft",
                "Stadtteil",
                "Status",
                "Betten",
                "Brand\u00adschutz\u00adgrenze",
                "belegt",
                "% der Betten",
                "% der Grenze",
            ],
            rows=body,
            total=["Insgesamt", "", "", total_beds, "", total_occ, "", ""],
            compact=True,
            text_columns=3,
            note="Brandschutzgrenze: höchstzulässige Zahl der Bewohnerinnen und Bewohner laut "
                 "Brandschutzauflage.",
        )
    )
    return section


def _trend(inputs, shelters: list[dict], daily) -> Section:
    section = Section("verlauf", "Entwicklung der Belegung im Berichtszeitraum")
    values = daily.totals
    if not any(values):
        return section.add(NoData("Im Berichtszeitraum war keine Unterkunft belegt."))
    # The city total of a day is the margin of that day's table of shelters: printed as protected there,
    # else it would give away a shelter's hidden count.
    shown = daily.shown_totals
    positions, labels = shelter_parts.day_axis(daily.days)
    beds = sum(r["beds"] for r in shelters if r["state"] == ShelterState.open)
    section.add(sparks.line_chart(positions, {"belegt": shown}, levels={"Betten": beds or None},
                                  x_labels=labels, legend=False, show_caption=True,
                                  caption="Belegte Plätze in allen Unterkünften, täglich (Linie), und die "
                                          "Betten der geöffneten Unterkünfte (gestrichelt)"))
    peak = max(values)
    section.add(Table(
        caption="Belegung: Anfang, Ende und Höchststand",
        columns=["", "belegte Plätze"],
        rows=[[f"Beginn ({daily.days[0]:%d.%m.%Y})", _shown(shown[0])],
              [f"Ende ({daily.days[-1]:%d.%m.%Y})", _shown(shown[-1])],
              ["Höchststand", shown[values.index(peak)]]],  # the peak day's published value
    ))
    return section


def _shown(value):
    return SUPPRESSED if value is None else value or None


def _movements(inputs, daily=None) -> Section:
    section = Section("bewegungen", "Zu- und Fortzüge")
    freq = "month" if inputs.period.is_quarter else "week"
    rows = movements(inputs.period.start, inputs.data_date, freq)
    if not any(r[key] for r in rows for key in MOVEMENT_LABELS_DE):
        return section.add(NoData("Im Berichtszeitraum sind keine Zu- oder Fortzüge erfasst."))
    keys = list(MOVEMENT_LABELS_DE)
    protected = {
        key: tables.protected_lattice([{"p": r["period"], "count": r[key]} for r in rows], ("p",), inputs.k)
        for key in keys
    }
    for r in rows:
        r["days"] = _days_within(r, freq, inputs.period.start, inputs.data_date)
    body = [[_period_label(r, freq)] + [tables.printed(protected[k][("p",)], (r["period"],)) for k in keys]
            for r in rows]
    total = ["Insgesamt"] + [tables.printed(protected[k][()], ()) for k in keys]
    partial = [r for r in rows if r["days"] < _length(r, freq)]
    note = ("* unvollständig, weil der Zeitraum vor dem Berichtszeitraum beginnt oder nach dem Datenstand "
            "endet (" + "; ".join(f"{_period_label({**r, 'days': None}, freq)}: {r['days']} von "
                                  f"{_length(r, freq)} Tagen" for r in partial)
            + "); in der Grafik nicht gezeichnet, weil seine Zahlen mit vollen Zeiträumen nicht vergleichbar "
              "sind.") if partial else None
    section.add(Table(caption="Zu- und Fortzüge je " + ("Monat" if freq == "month" else "Kalenderwoche"),
                      columns=["Zeitraum"] + list(MOVEMENT_LABELS_DE.values()), rows=body, total=total,
                      note=note))
    if daily is not None and daily.days:
        section.add(Text(reconcile_line(daily, total[keys.index("shelter_in") + 1],
                                        total[keys.index("shelter_out") + 1])))
    # The chart: complete periods only (a partial week at either end would read as a drop).
    rows = [r for r in rows if r not in partial] or rows
    series = {MOVEMENT_LABELS_DE[k]: [tables.printed_values(protected[k][("p",)]).get(r["period"],
                                                                                      0) for r in rows]
              for k in ("arrivals", "departures")}
    short = {i: f"KW {r['period'][-2:]}" if freq == "week" else _month_short(r) for i, r in enumerate(rows)}
    positions = [0.16 + 0.8 * i / max(len(rows) - 1, 1) for i in range(len(rows))]
    section.add(sparks.line_chart(positions, series, x_labels=short, legend=False, show_caption=True,
                                  caption="Zuzüge (blau) und Wegzüge (orange) je "
                                          + ("Monat" if freq == "month" else "Kalenderwoche")
                                          + "; unterdrückte Werte sind Lücken der Linie"))
    return section


def reconcile_line(daily, admitted, left) -> str:
    """Start + admissions - exits against the end count, from the published figures only (a hidden one
    is SUPPRESSED, a zero None), and why they need not agree: a committee member who adds them up finds
    the difference explained, not a mistake."""
    start, end = daily.shown_totals[0], daily.shown_totals[-1]
    head = (f"Abgleich der Belegung: am {daily.days[0]:%d.%m.%Y} belegt {_figure(start)}, Aufnahmen "
            f"{_figure(admitted)}, Auszüge {_figure(left)}, am {daily.days[-1]:%d.%m.%Y} belegt "
            f"{_figure(end)}.")
    if SUPPRESSED in (start, admitted, left, end):
        return head + (f" Ein rechnerischer Abgleich ist nicht möglich, weil eine dieser Zahlen geschützt "
                       f"({SUPPRESSED}) ist.")
    expected = (start or 0) + (admitted or 0) - (left or 0)
    counted = end or 0
    if expected == counted:
        return head + " Die Zahlen gehen auf."
    return (head + f" Anfang + Aufnahmen − Auszüge ergibt {number(expected)}, "
            f"{number(abs(expected - counted))} {'mehr' if expected > counted else 'weniger'} als gezählt. "
            "Der Unterschied ist kein Fehler: Jede veröffentlichte Zahl ist für sich geschützt (leicht "
            "verändert oder gesperrt), die Aufnahmen des ersten Tages stecken schon in der Anfangsbelegung, "
            "und Belegungen, die ohne Aufnahme oder Auszug im Fallverlauf beginnen oder enden (Verlegungen "
            "zwischen Unterkünften, nachgetragene Zimmerzuweisungen), zählen in der Belegung, aber nicht "
            "bei den Zu- und Fortzügen.")


def _figure(value) -> str:
    if value == SUPPRESSED:
        return SUPPRESSED
    return number(value or 0)


def _length(row: dict, freq: str) -> int:
    if freq == "week":
        return 7
    start = row["start"]
    following = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return (following - start).days


def _days_within(row: dict, freq: str, first: date, last: date) -> int:
    """How many days of the row's week or month lie in the reported span (first..last, both counted)."""
    begin, end = row["start"], row["start"] + timedelta(days=_length(row, freq) - 1)
    return max(0, (min(end, last) - max(begin, first)).days + 1)


def _month_short(row: dict) -> str:
    """A month under the chart's axis: "Sept. 2026" would not fit between two points, "Sept." does."""
    from caseapp.reports.periods import MONTHS_SHORT_DE

    return MONTHS_SHORT_DE[row["start"].month - 1]


def _period_label(row: dict, freq: str) -> str:
    days = row.get("days")
    partial = days is not None and days < _length(row, freq)
    if freq == "week":
        label = f"KW {row['period'][-2:]} (ab {row['start']:%d.%m.})"
    else:
        from caseapp.reports.periods import MONTHS_DE

        label = f"{MONTHS_DE[row['start'].month - 1]} {row['start'].year}"
    return f"{label}*" if partial else label


def _map(inputs, shelters: list[dict]) -> Section:
    section = Section("karte", "Karte: Unterkünfte und Stadtteile")
    protected = population_tables(inputs.data_date, ("district",), k=inputs.k, interactive=False)
    values = tables.printed_values(protected[("district",)])
    occupied = tables.protected_lattice([{"shelter": r["id"], "count": r["occupied"]} for r in shelters],
                                        ("shelter",), inputs.k)[("shelter",)] if shelters else {}
    # A hidden occupancy (None) is drawn as a circle marked "•", never by a fill level.
    marks = [{"name": r["name"], "district": r["district"], "capacity": r["capacity"],
              "occupied": occupied.get((r["id"],), 0)} for r in shelters if r["state"] == ShelterState.open]
    section.add(Text("Die Karte zeigt die Zahl der erfassten Personen je Stadtteil (Farbe) und die Lage der "
                     "Gemeinschaftsunterkünfte (Punkte) nach ihrem Stadtteil."))
    section.add(common.district_map(values, "Personen je Stadtteil und geöffnete Gemeinschaftsunterkünfte",
                                    shelters=marks))
    return section
