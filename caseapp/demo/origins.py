"""Countries of origin for the demo city: name traditions, second nationalities and residence statuses.

Statuses follow the person's nationality and time in Germany the way the foreigners authority would
record them: EU citizens have free movement, Ukrainians temporary protection (§ 24 AufenthG), asylum
seekers a Gestattung until their claim is decided, then a residence permit or a Duldung.
"""
from __future__ import annotations

from datetime import date

EU, UKR, REFUGEE, THIRD = "eu", "ukr", "refugee", "third"

# code -> (kind, name groups with weights, recognition rate of asylum claims)
ORIGINS: dict[str, tuple[str, tuple[tuple[str, float], ...], float]] = {
    "TUR": (THIRD, (("tr", 0.75), ("ku", 0.25)), 0.25),
    "SYR": (REFUGEE, (("ar", 0.8), ("ku", 0.2)), 0.9),
    "IRQ": (REFUGEE, (("ar", 0.6), ("ku", 0.4)), 0.45),
    "AFG": (REFUGEE, (("fa", 1.0),), 0.7),
    "IRN": (REFUGEE, (("fa", 1.0),), 0.5),
    "ERI": (REFUGEE, (("ti", 1.0),), 0.85),
    "SOM": (REFUGEE, (("so", 1.0),), 0.6),
    "XXA": (REFUGEE, (("ar", 0.6), ("ku", 0.4)), 0.8),
    "XXX": (REFUGEE, (("ar", 0.4), ("fa", 0.3), ("ku", 0.2), ("so", 0.1)), 0.4),
    "LBN": (THIRD, (("ar", 1.0),), 0.2),
    "UKR": (UKR, (("uk", 1.0),), 1.0),
    "RUS": (THIRD, (("ru", 1.0),), 0.3),
    "KAZ": (THIRD, (("ru", 1.0),), 0.1),
    "GEO": (THIRD, (("ka", 1.0),), 0.02),
    "POL": (EU, (("pl", 1.0),), 0.0),
    "ROU": (EU, (("ro", 1.0),), 0.0),
    "BGR": (EU, (("bg", 0.7), ("tr", 0.3)), 0.0),
    "HRV": (EU, (("sr", 1.0),), 0.0),
    "ITA": (EU, (("it", 1.0),), 0.0),
    "GRC": (EU, (("el", 1.0),), 0.0),
    "MDA": (THIRD, (("ro", 1.0),), 0.05),
    "XKX": (THIRD, (("sq", 1.0),), 0.05),
    "ALB": (THIRD, (("sq", 1.0),), 0.05),
    "MKD": (THIRD, (("sq", 0.5), ("sr", 0.5)), 0.05),
    "SRB": (THIRD, (("sr", 1.0),), 0.05),
    "BIH": (THIRD, (("sr", 1.0),), 0.05),
    "VNM": (THIRD, (("vi", 1.0),), 0.1),
    "NGA": (THIRD, (("ng", 1.0),), 0.15),
}

# Second nationalities: (primary, name group or None for any) -> [(second, probability)].
SECOND_NATIONALITIES = {
    ("BGR", "tr"): (("TUR", 0.7),),
    ("MDA", None): (("ROU", 0.4),),
    ("RUS", None): (("UKR", 0.08),),
    ("UKR", None): (("RUS", 0.02), ("POL", 0.01)),
    ("KAZ", None): (("RUS", 0.15),),
    ("XKX", None): (("SRB", 0.1), ("ALB", 0.05)),
    ("BIH", None): (("HRV", 0.2),),
    ("IRQ", None): (("SYR", 0.03), ("IRN", 0.02)),
    ("SYR", None): (("TUR", 0.02), ("XXB", 0.01)),
    ("TUR", None): (("BGR", 0.02),),
    ("XXA", None): (("XXB", 0.3),),
}

# Who lives here, by how they came.  Long-settled: the migrant population before the three years.
SETTLED = {"TUR": 22, "POL": 9, "SYR": 12, "IRQ": 6, "RUS": 4, "UKR": 8, "ROU": 5, "BGR": 4, "XKX": 3,
           "SRB": 2, "BIH": 1.5, "MKD": 1, "ITA": 2, "GRC": 2, "AFG": 4, "IRN": 2, "ERI": 2, "VNM": 1,
           "KAZ": 1, "XXA": 1.5, "XXX": 0.4, "LBN": 1, "HRV": 1, "NGA": 0.5, "SOM": 0.5, "GEO": 0.5,
           "MDA": 0.5, "ALB": 0.5}
# Allocated by the state's reception authority and accommodated in the city's shelters.
SHELTER_FLOW = {"SYR": 20, "AFG": 16, "TUR": 14, "IRQ": 9, "UKR": 12, "IRN": 4, "ERI": 3, "SOM": 3,
                "GEO": 3, "RUS": 2, "NGA": 2, "XXA": 2, "XXX": 2, "MKD": 1, "ALB": 1}
# Came on their own and rented a flat at once: EU workers, Ukrainians with private hosts, family reunion.
DIRECT = {"ROU": 18, "BGR": 14, "POL": 8, "UKR": 20, "TUR": 8, "SYR": 8, "ITA": 3, "GRC": 3, "HRV": 3,
          "XKX": 4, "SRB": 2, "AFG": 3, "IRQ": 3, "VNM": 2, "RUS": 1}

WAR_IN_UKRAINE = date(2022, 2, 24)


def kind(code: str) -> str:
    return ORIGINS[code][0]


def residence(code: str, arrival: date, today: date, asylum: bool, rng) -> tuple[str, str | None]:
    """(status code, legal basis) as recorded today for someone of this nationality who came on `arrival`."""
    k, _, recognition = ORIGINS[code]
    days = (today - arrival).days
    years = days / 365.25
    if k == EU:
        return "EU", "§ 4a FreizügG/EU" if years >= 5 else "§ 2 Abs. 1 FreizügG/EU"
    if k == UKR and arrival >= WAR_IN_UKRAINE:
        r = rng.random()
        if r < 0.06 or days < 45:
            return "FIKTION", "§ 81 Abs. 4 AufenthG"
        if r < 0.92:
            return "AE", "§ 24 AufenthG"
        return "AE", rng.choice(("§ 16a AufenthG", "§ 18b AufenthG", "§ 19c AufenthG"))
    if k == REFUGEE or asylum:
        return _asylum(recognition, days, years, rng)
    # Third-country nationals who came for work, study or family.
    if years >= 8 and rng.random() < 0.65:
        return "NE", rng.choice(("§ 9 AufenthG", "§ 9 AufenthG", "§ 9a AufenthG"))
    r = rng.random()
    if r < 0.03:
        return "FIKTION", "§ 81 Abs. 4 AufenthG"
    if r < 0.04:
        return "OHNE", None
    return "AE", rng.choice(("§ 28 Abs. 1 AufenthG", "§ 30 AufenthG", "§ 32 AufenthG", "§ 18b AufenthG",
                              "§ 16b AufenthG", "§ 19c AufenthG"))


def _asylum(recognition: float, days: int, years: float, rng) -> tuple[str, str | None]:
    if days < 21:
        return "ANKUNFT", "§ 63a AsylG"
    decided_after = 120 + rng.random() * 420
    if days < decided_after:
        return "GESTATTUNG", "§ 55 AsylG"
    if rng.random() < recognition:
        if years >= 5 and rng.random() < 0.5:
            return "NE", "§ 26 Abs. 3 AufenthG"
        if rng.random() < 0.03:
            return "FIKTION", "§ 81 Abs. 4 AufenthG"
        return "AE", rng.choice(("§ 25 Abs. 2 AufenthG", "§ 25 Abs. 2 AufenthG", "§ 25 Abs. 1 AufenthG",
                                  "§ 25 Abs. 3 AufenthG"))
    r = rng.random()
    if years >= 5 and r < 0.3:
        return "AE", rng.choice(("§ 25b AufenthG", "§ 104c AufenthG", "§ 25a AufenthG"))
    if r < 0.9:
        return "DULDUNG", "§ 60a Abs. 2 AufenthG"
    if r < 0.95:
        return "FIKTION", "§ 81 Abs. 4 AufenthG"
    return "OHNE", None


def name_group(code: str, rng) -> str:
    groups = ORIGINS[code][1]
    r = rng.random()
    for group, weight in groups:
        r -= weight
        if r < 0:
            return group
    return groups[-1][0]


def nationalities(code: str, group: str, rng) -> tuple[str, ...]:
    for key in ((code, group), (code, None)):
        for second, p in SECOND_NATIONALITIES.get(key, ()):
            if rng.random() < p:
                return (code, second)
    return (code,)


def unsure_birth_dates(code: str) -> tuple[float, float]:
    """Shares with unknown day and with unknown day and month (common where registries are patchy)."""
    if code in ("AFG", "SOM", "ERI", "XXX", "IRQ", "XXA"):
        return 0.05, 0.07
    if ORIGINS[code][0] == REFUGEE or code in ("GEO", "NGA"):
        return 0.02, 0.02
    return 0.005, 0.003


# Total fertility rate (children per woman over her life) assumed for women of each origin living in
# Germany; sources and reasoning in docs/demo-demography.md. Between the German level (1.36 for women
# of German nationality, 1.88 for foreign women, Destatis 2022) and the origin country's.
FERTILITY = {"SYR": 2.4, "AFG": 2.8, "IRQ": 2.4, "IRN": 1.6, "ERI": 2.6, "SOM": 2.8, "XXA": 2.4, "XXX": 2.2,
             "LBN": 2.2, "TUR": 1.8, "UKR": 1.2, "RUS": 1.4, "KAZ": 1.6, "GEO": 1.8, "POL": 1.3, "ROU": 1.7,
             "BGR": 1.7, "HRV": 1.5, "ITA": 1.3, "GRC": 1.4, "MDA": 1.6, "XKX": 1.9, "ALB": 1.7, "MKD": 1.7,
             "SRB": 1.6, "BIH": 1.5, "VNM": 1.6, "NGA": 2.6}
DEFAULT_FERTILITY = 1.7
# Share of a woman's lifetime births at each age of the mother (Destatis, age-specific fertility rates
# 2022, GENESIS 12612-0008, grouped in five-year bands and normalised to 1; teenage births are rare).
BIRTH_AGE_SHAPE = {**{a: 0.0020 for a in range(16, 20)}, **{a: 0.0240 for a in range(20, 25)},
                   **{a: 0.0580 for a in range(25, 30)}, **{a: 0.0690 for a in range(30, 35)},
                   **{a: 0.0390 for a in range(35, 40)}, **{a: 0.0080 for a in range(40, 45)},
                   **{a: 0.0004 for a in range(45, 48)}}


def fertility(code: str) -> float:
    return FERTILITY.get(code, DEFAULT_FERTILITY)
