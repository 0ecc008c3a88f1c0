"""Cohort-component forecast of the children who will need a crèche, kindergarten or school place, per
district and year, with a low / middle / high range; and its backtest on the city's own history.

The method in plain words (also in docs/forecast.md): start from everyone counted on the base day, by
district, single year of age and sex. Each forecast year, everyone gets a year older; a share leaves
the city (the departure rate of their age over the last years); the arrivals of the last years come
again, at their age and into their district; and women aged 15-49 have children at a standard German
age-specific fertility pattern, scaled so that it reproduces the births actually seen in the city.
Shelter residents are projected as a group of their own, because where they will live next is open.
Low and high use the weakest and strongest arrival year of the history and 10 % fewer / more births.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date

from caseapp.forecast import cache as fcache
from caseapp.forecast import data as fdata

MAX_AGE = fdata.MAX_AGE
# Institution groups: (key, German label, youngest, oldest); places are entered per key
# (caseapp/districts/places.py; "sek1" has none).
GROUPS = (
    ("krippe", "Krippe (0–2)", 0, 2),
    ("kita", "Kindergarten (3–5)", 3, 5),
    ("einschulung", "Einschulung (6)", 6, 6),
    ("grundschule", "Grundschule (6–9)", 6, 9),
    ("sek1", "Sekundarstufe I (10–15)", 10, 15),
)
GROUP_LABELS_DE = {k: label for k, label, _lo, _hi in GROUPS}
# Births per woman and year by age, Germany around 2022 (per five-year band), before scaling.
STANDARD_ASFR = {**{a: 0.007 for a in range(15, 20)}, **{a: 0.040 for a in range(20, 25)},
                 **{a: 0.085 for a in range(25, 30)}, **{a: 0.110 for a in range(30, 35)},
                 **{a: 0.060 for a in range(35, 40)}, **{a: 0.013 for a in range(40, 45)},
                 **{a: 0.001 for a in range(45, 50)}}
BOY_SHARE = 0.513


@dataclass
class Rates:
    arrivals: dict = field(default_factory=dict)  # (district, age, birthday class, sex) -> persons per year
    out_rate: dict = field(default_factory=dict)  # age -> share leaving per year
    fertility: dict = field(default_factory=dict)  # age -> births per woman per year


def step(pop: dict, rates: Rates, *, arrivals_scale: float = 1.0, fertility_scale: float = 1.0) -> dict:
    """One school year on, from one 30 September to the next: ageing, departures, births, arrivals.

    pop: (district, age on the cut-off day, birthday class, sex) -> persons. The year's newborn are aged 0
    on the next cut-off day, spread over the birthday classes as births over the months."""
    nxt: dict = defaultdict(float)
    births: dict = defaultdict(float)
    fertility, out_rate = rates.fertility, rates.out_rate
    for (district, age, klass, sex), n in pop.items():
        if sex == "w" and age in fertility:
            births[district] += n * fertility[age] * fertility_scale
        nxt[(district, age + 1 if age < MAX_AGE else MAX_AGE, klass, sex)] += n * (1 - out_rate.get(age, 0.0))
    survive = 1 - rates.out_rate.get(0, 0.0) / 2  # born during the year: half a year's exposure
    for district, b in births.items():
        for klass, share in fdata.CLASS_SHARES.items():
            nxt[(district, 0, klass, "m")] += b * share * BOY_SHARE * survive
            nxt[(district, 0, klass, "w")] += b * share * (1 - BOY_SHARE) * survive
    for key, n in rates.arrivals.items():
        nxt[key] += n * arrivals_scale
    return dict(nxt)


def project(pop: dict, rates: Rates, years: int, **scales) -> list[dict]:
    """The population after 1..years years (list index 0 = one year on)."""
    out = []
    for _ in range(years):
        pop = step(pop, rates, **scales)
        out.append(pop)
    return out


def groups_of(age: int, klass: int) -> tuple[str, ...]:
    """The groups a child of `age` on 30 September (of birthday class `klass`) counts in that school year:
    crèche and kindergarten by age on 1 August (the Kita year's start; a child born 2 August to
    30 September is a year younger then), school entry and primary school by age on 30 September
    (six by then: school from 1 August); a child who enters school leaves the kindergarten."""
    kita_age = age - 1 if klass == 2 else age
    out = []
    if 0 <= kita_age <= 2:
        out.append("krippe")
    if kita_age >= 3 and age <= 5:
        out.append("kita")
    if age == 6:
        out.append("einschulung")
    if 6 <= age <= 9:
        out.append("grundschule")
    if 10 <= age <= 15:
        out.append("sek1")
    return tuple(out)


_GROUPS_OF = {(age, klass): groups_of(age, klass)
              for age in range(-1, MAX_AGE + 1) for klass in fdata.BIRTH_CLASSES}
OLDEST_IN_A_GROUP = max(hi for _k, _l, _lo, hi in GROUPS)
FLEXI = "flexi"  # school entrants whose sixth birthday lies from 1 July to 30 September


def group_sums(pop: dict, district: str | None = None) -> dict:
    """(district, group key) -> persons, from a (district, age, birthday class, sex) population; also
    (district, "flexi"): the school entrants who may start a year later on request."""
    out: dict = defaultdict(float)
    for (d, age, klass, _sex), n in pop.items():
        if district is not None and d != district:
            continue
        for key in _GROUPS_OF.get((age, klass), ()):
            out[(d, key)] += n
        if age == 6 and klass:
            out[(d, FLEXI)] += n
    return out


def reference_date(group: str, year: int) -> date:
    """The day a group's figure of a school year describes: 1 August (Kita year) or 30 September."""
    return fdata.kita_start(year) if group in ("krippe", "kita") else fdata.school_cutoff(year)


def _matters(key: tuple, fertility: dict) -> bool:
    """Whether a cohort can still count in a group or have children: everyone older than the oldest
    group and not a woman of child-bearing age only ages and leaves, so projecting them changes no result."""
    _district, age, _klass, sex = key
    return age <= OLDEST_IN_A_GROUP or (sex == "w" and age <= max(fertility, default=-1))


def estimate(base: fdata.BaseData) -> Rates:
    by_age: dict = defaultdict(float)
    women: dict = defaultdict(float)
    for (_d, age, sex, _h), n in base.population.items():
        by_age[age] += n
        if sex == "w":
            women[age] += n
    out_rate = {a: min(base.departures.get(a, 0.0) / by_age[a], 0.9) for a in by_age if by_age[a]}
    expected = sum(STANDARD_ASFR[a] * women.get(a, 0) for a in STANDARD_ASFR)
    scale = base.births_per_year / expected if expected and base.births_per_year else 1.0
    fertility = {a: r * scale for a, r in STANDARD_ASFR.items()}
    return Rates(arrivals=dict(base.arrivals), out_rate=out_rate, fertility=fertility)


def _split(base: fdata.BaseData) -> tuple[dict, dict]:
    """Residents and shelter residents by (district, age on the base year's cut-off, class, sex)."""
    residents: dict = defaultdict(float)
    shelter: dict = defaultdict(float)
    for (d, age, klass, sex, housing), (n, _keys) in base.cohorts.items():
        (shelter if housing == "shelter" else residents)[(d, age, klass, sex)] += n
    return dict(residents), dict(shelter)


def arrival_range(base: fdata.BaseData) -> tuple[float, float]:
    """Arrival scale of the low and high scenario: weakest and strongest history year vs. the mean."""
    years = list(base.arrivals_by_year)
    mean = sum(years) / len(years) if years else 0
    if not mean:
        return 0.5, 1.5
    return min(years) / mean, max(years) / mean


@dataclass
class ForecastResult:
    base_date: date
    years: list[int]
    rows: list[dict]  # district, year, reference date, group, label, low, middle, high, shelter, places,
    # coverage (places per 100 expected children)
    rates: Rates
    base: fdata.BaseData
    widths: dict = field(default_factory=dict)  # the stored evaluation's errors by group and horizon
    evaluation: object = None  # that ForecastEvaluation, if any (caseapp/forecast/evaluation.py)

    def city_totals(self) -> list[dict]:
        out: dict = {}
        for r in self.rows:
            key = (r["year"], r["group"])
            t = out.setdefault(key, {"year": r["year"], "horizon": r.get("horizon"), "group": r["group"],
                                     "label": r["label"], "reference_date": r.get("reference_date"),
                                     "low": 0, "middle": 0, "high": 0, "shelter": 0, "places": None,
                                     "_with_places": 0})
            for k in ("low", "middle", "high", "shelter", "flexi"):
                if k in r:
                    t[k] = t.get(k, 0) + r[k]
            if r.get("places") is not None:
                t["places"] = (t["places"] or 0) + r["places"]
                t["_with_places"] += r["middle"] + r["shelter"]
        for t in out.values():  # the city's rate over the districts that have places entered
            t["coverage"] = coverage(t["places"], t.pop("_with_places"))
        return list(out.values())


def forecast(base_date: date | None = None, years: int = 6, *, district: str | None = None,
             history_years: int = 3, places: dict | None = None) -> ForecastResult:
    """Per district, year 1..years after base_date and group: low / middle / high (residents) and the
    shelter residents' own projection; `places` {district: {group key: places}} for comparison."""
    if not 1 <= years <= 6:
        raise ValueError("Die Prognose reicht 1 bis 6 Jahre weit")
    base_date = base_date or date.today()
    key = ("forecast", base_date, years, district, history_years,
           None if places is None else tuple(sorted((d,
                                                     tuple(sorted(p.items()))) for d, p in places.items())))
    result = fcache.cached(key, lambda: _forecast(base_date, years, district, history_years, places))
    # Rows are plain dicts a caller may change; the cached result must stay as computed.
    return replace(result, rows=[dict(r) for r in result.rows], years=list(result.years))


def _forecast(base_date: date, years: int, district: str | None, history_years: int,
              places: dict | None) -> ForecastResult:
    base = fdata.load(base_date, history_years)
    rates = estimate(base)
    residents, shelter = _split(base)
    lo_in, hi_in = arrival_range(base)
    # Only the cohorts that can reach a result are projected (about a third of the cells).
    residents = {k: n for k, n in residents.items() if _matters(k, rates.fertility)}
    shelter = {k: n for k, n in shelter.items() if _matters(k, rates.fertility)}
    lean = Rates(arrivals={k: n for k, n in rates.arrivals.items() if _matters(k, rates.fertility)},
                 out_rate=rates.out_rate, fertility=rates.fertility)
    runs = {
        "low": project(residents, lean, years, arrivals_scale=lo_in, fertility_scale=0.9),
        "middle": project(residents, lean, years),
        "high": project(residents, lean, years, arrivals_scale=hi_in, fertility_scale=1.1),
        "shelter": project(shelter, Rates(out_rate=rates.out_rate, fertility=rates.fertility), years),
    }
    first = fdata.base_year(base_date)
    if places is None:
        places = _places([first + t + 1 for t in range(years)])
    rows = []
    for t in range(years):
        sums = {name: group_sums(run[t], district) for name, run in runs.items()}
        districts = sorted({d for s in sums.values() for d, _g in s} | ({district} if district else set()),
                           key=lambda d: (d is None, d or ""))
        year = first + t + 1
        for d in districts:
            for key, label, _lo, _hi in GROUPS:
                row = {"district": d, "year": year, "horizon": t + 1, "group": key, "label": label,
                       "reference_date": reference_date(key, year),
                       **{name: round(sums[name].get((d, key), 0.0)) for name in runs}}
                if key == "einschulung":  # of these, the Flexi children (may start a year later)
                    row["flexi"] = round(sum(sums[n].get((d, FLEXI), 0.0) for n in ("middle", "shelter")))
                row["places"] = _places_of(places, d, key, year)
                row["coverage"] = coverage(row["places"], row["middle"] + row["shelter"])
                rows.append(row)
    return ForecastResult(base_date, sorted({r["year"] for r in rows}), rows, rates, base)


def _places_of(places: dict, district: str | None, group: str, year: int):
    """Places of a group in a district for a year: {district: {group: n}} (the same every year) or
    {district: {group: {year: n}}} as caseapp.districts.places.places_for_years gives."""
    value = (places.get(district) or {}).get(group)
    return value.get(year) if isinstance(value, dict) else value


def coverage(places: int | None, expected: int | None) -> float | None:
    """Places per 100 expected children (Versorgungsquote); None without places or children."""
    if places is None or not expected:
        return None
    return 100.0 * places / expected


def _places(years) -> dict:
    from caseapp.districts.places import places_for_years

    return places_for_years(years)


def actual_counts(year: int) -> dict:
    """(district, group) -> [persons, sum of their record keys] on 30 September of a past school year,
    by the same cut-off ages as the forecast (the value a forecast for that year is measured against)."""
    base = fdata.load(fdata.school_cutoff(year), 0)
    out: dict = {}
    for (d, age, klass, _sex, _housing), (n, keys) in base.cohorts.items():
        for key in _GROUPS_OF.get((age, klass), ()):
            cell = out.setdefault((d, key), [0, 0])
            cell[0] += n
            cell[1] += keys
    return out


def backtest(target_date: date | None = None, horizon: int = 1, history_years: int = 3,
             actual: dict | None = None) -> dict:
    """Fit on the 30 September `horizon` years before the school year of target_date, predict that school
    year's cut-off day, compare with what happened (`actual`: actual_counts of that year, if read already).

    Error per district and group of the middle scenario plus shelter residents against the actual
    count; summarised as WAPE (sum of absolute errors / sum of actual counts) and the city total's error.
    """
    target_date = target_date or date.today()
    year = fdata.base_year(target_date)
    fit_date = fdata.school_cutoff(year - horizon)
    result = forecast(fit_date, horizon, history_years=history_years, places={})
    predicted = {(r["district"], r["group"]): r["middle"] + r["shelter"]
                 for r in result.rows if r["year"] == year}
    actual = {k: v[0] for k, v in (actual_counts(year) if actual is None else actual).items()}
    keys = sorted(set(predicted) | set(actual), key=lambda k: (k[0] or "", k[1]))
    rows = [{"district": d, "group": g, "predicted": round(predicted.get((d, g), 0)),
             "actual": round(actual.get((d, g), 0))} for d, g in keys]
    abs_err = sum(abs(r["predicted"] - r["actual"]) for r in rows)
    total_actual = sum(r["actual"] for r in rows)
    total_pred = sum(r["predicted"] for r in rows)
    by_group = {}
    for key, label, _lo, _hi in GROUPS:
        p = sum(r["predicted"] for r in rows if r["group"] == key)
        a = sum(r["actual"] for r in rows if r["group"] == key)
        by_group[key] = {"label": label, "predicted": p, "actual": a, "error": (p - a) / a if a else None}
    return {
        "fit_date": fit_date, "target_date": fdata.school_cutoff(year), "horizon": horizon, "rows": rows,
        "wape": abs_err / total_actual if total_actual else None,
        "total_error": (total_pred - total_actual) / total_actual if total_actual else None,
        "by_group": by_group,
    }
