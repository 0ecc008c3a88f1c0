"""Three years of lifecycle history for the demo city, up to a fixed `today`.

Long-settled households and those who rented a flat at once enter the register as housed (births as
they happen); a few of them leave the city within the three years.  Households allocated by the state
run through caseapp/demo/shelterflow.py, which starts one year earlier so that the shelters are
already occupied when the three years begin.
"""
from __future__ import annotations

from datetime import date, timedelta

from caseapp.demo.population import DIRECT, FLOW, SETTLED
from caseapp.demo.record import HOUSED, Recorder
from caseapp.demo.shelterflow import ShelterFlow

_LEAVE_REASONS = ("Umzug in eine andere Kommune", "Rückkehr ins Herkunftsland", "Umzug ins Ausland",
                  "Umzug zu Angehörigen")


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def build_history(rng, builder, shelters, today: date, window_start: date, sim_start: date) -> Recorder:
    rec = Recorder()
    flow = ShelterFlow(rng, today, shelters, rec, builder.flat_address)
    for hh in builder.households:
        if hh.segment == FLOW:
            flow.add(hh)
        else:
            _housed_household(rng, builder, rec, hh, today, window_start)
    flow.run(sim_start)
    flow.finish()
    return rec


def _housed_household(rng, builder, rec: Recorder, hh, today: date, window_start: date) -> None:
    hh.addr = builder.flat_address()
    leaves = None
    if rng.random() < (0.09 if hh.segment == SETTLED else 0.10):
        earliest = max(window_start, hh.arrival + timedelta(days=60))
        if earliest < today:
            leaves = earliest + timedelta(days=rng.randint(0, (today - earliest).days))
            _born_before(rng, hh, leaves)
    for p in sorted(hh.members, key=lambda p: (p.move_in, p.id)):
        p.addr = hh.addr
        if p.move_in > hh.arrival:
            reason = "Geburt"
        elif hh.segment == DIRECT:
            reason = "Zuzug, eigene Wohnung"
        else:
            reason = "Übernahme aus dem Bestand"
        rec.register(p, p.move_in, HOUSED, reason)
    if leaves:
        reason = rng.choice(_LEAVE_REASONS)
        for p in hh.members:
            rec.step(p, leaves, "depart", reason)
            p.move_out = leaves


def _born_before(rng, hh, limit: date) -> None:
    """Children of a household that leaves were born while it still lived here (or before it came)."""
    span = (limit - hh.arrival).days
    for p in hh.members:
        if p.move_in >= limit:
            if span > 2:
                p.birth = p.move_in = limit - timedelta(days=rng.randint(1, min(span - 1, 700)))
            else:
                p.birth = hh.arrival - timedelta(days=rng.randint(1, 300))
                p.move_in = p.entry = hh.arrival
            p.precision = "day"
