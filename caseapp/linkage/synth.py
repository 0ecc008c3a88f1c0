"""A generated population with known truth, from the contract's variation and look-alike lists.

Humans are drawn with families (twins, a parent and a child of the same names), many of them with a
common name and, at the foreigners authority, the placeholder birth date 01.01.YYYY. `abh` knows most of
them; `soz`, `jug` and `sch` deliver their own records of some of them, spelled their own way
(transliteration variants, dropped diacritics, shortened, reordered or swapped names, typing errors,
partly unknown or swapped birth dates, missing nationality or address, a moved address, a second
nationality) and now and then a record of their own twice. Used to train the model, by the quality
test and by bench/bench_linkage.py; deterministic per seed.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from caseapp.linkage.features import Identity

GIVEN_M = [["Mohammed", "Muhammad", "Mohamad", "Mohamed"], ["Ahmad", "Ahmed", "Achmed"],
           ["Abdulrahman", "Abdul Rahman", "Abdelrahman"], ["Omar", "Umar"], ["Youssef", "Yusuf", "Yousef"],
           ["Ali"], ["Hassan", "Hasan"], ["Hussein", "Husain", "Hussain"], ["Khaled", "Khalid", "Chaled"],
           ["Mustafa", "Mostafa"], ["Ibrahim", "Ebrahim"], ["Oleksandr", "Aleksandr", "Olexandr"],
           ["Dmytro", "Dmitri", "Dmitrij"], ["Serhii", "Sergei", "Serhiy"], ["Mehmet"], ["Emre"], ["Murat"],
           ["Ali Reza", "Alireza"], ["Tesfaye", "Tesfay"], ["Yohannes", "Johannes", "Yohanes"], ["Bilal"],
           ["Jamal", "Djamal"], ["Karim", "Kareem"], ["Mahmoud", "Mahmud"], ["Samir", "Sameer"]]
GIVEN_W = [["Fatima", "Fatimah", "Fatma"], ["Aisha", "Aischa", "Ayesha"], ["Maryam", "Mariam"],
           ["Zainab", "Zeinab", "Zaynab"], ["Olena", "Elena"], ["Iryna", "Irina"],
           ["Nataliia", "Natalia", "Natalya"], ["Yuliia", "Julia", "Yulia"], ["Elif"], ["Zeynep"],
           ["Amira", "Ameera"], ["Leila", "Layla", "Laila"], ["Helen", "Hellen"], ["Senait", "Senayt"],
           ["Nour", "Noor", "Nur"], ["Rania", "Ranya"], ["Şükran", "Sükran"], ["Hatice", "Hatidsche"],
           ["Khadija", "Chadidscha", "Khadidja"], ["Sara", "Sarah"]]
FAMILY = [["Al-Hassan", "Al Hassan", "Alhassan", "El-Hassan"], ["Ahmadi"],
          ["Hosseini", "Husseini", "Hoseini"], ["Mohammadi", "Muhammadi"], ["Rahimi"], ["Karimi"],
          ["Haidari", "Haydari", "Heidari"], ["Kovalenko", "Kowalenko"],
          ["Shevchenko", "Schewtschenko", "Ševčenko"], ["Bondarenko"], ["Tkachenko", "Tkatschenko"],
          ["Yılmaz", "Yilmaz"], ["Şahin", "Sahin"], ["Çelik", "Celik"], ["Kaya"], ["Demir"],
          ["Tesfay", "Tesfai"], ["Gebremedhin", "Gebremedin"], ["Haile"], ["Abraha"],
          ["Osman", "Othman", "Usman"], ["Ibrahim"], ["Abdullah", "Abdulla"], ["Nasser", "Naser"], ["Haddad"],
          ["Khalil", "Chalil"], ["Saleh", "Salih"], ["Mahmoud", "Mahmud"], ["Hamdan"], ["Sultani"]]
NATS = ["SYR", "AFG", "UKR", "TUR", "IRQ", "ERI", "IRN", "SOM", "RUS", "NGA"]
STREETS = ["Hauptstraße", "Bahnhofstraße", "Lotter Straße", "Sutthauser Straße", "Iburger Straße",
           "Am Riedenbach", "Rheiner Landstraße", "Natruper Straße", "Hasestraße", "Pagenstecherstraße",
           "Meller Straße"]
_SYL = ["ka", "ra", "mi", "do", "ne", "sa", "li", "to", "bu", "ze", "ha", "ro", "fi", "ma", "nu", "te", "go",
        "yi", "va", "ke", "lo", "di", "sh", "ch", "an", "el", "or"]


@dataclass
class Human:
    truth: int
    family: int | str  # index into FAMILY (spelling variants) or a rare name
    given: list  # indexes into the sex's list or rare names; one or two given names
    sex: str
    born: date
    nats: list[str]
    street: str | None
    number: str
    postcode: str
    azr: str | None
    lookalike: str | None = None  # twin, parent_child, common_placeholder
    group: int | None = None


@dataclass
class Population:
    humans: list[Human] = field(default_factory=list)
    # Per source: (Identity, truth, key); the identity id is unique over the whole population.
    records: dict[str, list[tuple[Identity, int, str]]] = field(default_factory=dict)
    lookalike_groups: dict[int, str] = field(default_factory=dict)


def _rare(rng: random.Random) -> str:
    return "".join(rng.choice(_SYL) for _ in range(rng.randint(2, 4))).capitalize()


def _spell(rng: random.Random, name, pool, vary: float) -> str:
    if isinstance(name, str):
        return name
    variants = pool[name]
    return rng.choice(variants) if rng.random() < vary else variants[0]


def _human(rng: random.Random, truth: int, azr_seq) -> Human:
    sex = rng.choice("mw")
    pool = GIVEN_M if sex == "m" else GIVEN_W
    family = rng.randrange(len(FAMILY)) if rng.random() < 0.45 else _rare(rng)
    given = [rng.randrange(len(pool)) if rng.random() < 0.5 else _rare(rng)]
    if rng.random() < 0.35:
        given.append(rng.randrange(len(pool)) if rng.random() < 0.5 else _rare(rng))
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 72))
    nats = [rng.choice(NATS)] + ([rng.choice(NATS)] if rng.random() < 0.05 else [])
    street = rng.choice(STREETS) if rng.random() < 0.9 else None
    return Human(truth, family, given, sex, born, list(dict.fromkeys(nats)), street, str(rng.randint(1, 120)),
                 f"490{rng.randint(70, 99)}", f"{next(azr_seq):012d}" if rng.random() < 0.8 else None)


def humans(n: int, seed: int = 1) -> list[Human]:
    rng = random.Random(seed)
    azr_seq = iter(range(100000000000, 999999999999))
    out: list[Human] = []
    group = 0
    while len(out) < n:
        h = _human(rng, len(out), azr_seq)
        out.append(h)
        r = rng.random()
        if r < 0.03 and len(out) < n:  # twins: same family name, birth date and address
            group += 1
            pool = GIVEN_M if h.sex == "m" else GIVEN_W
            twin = replace(h, truth=len(out), given=[rng.randrange(len(pool))], lookalike="twin", group=group,
                           azr=f"{next(azr_seq):012d}" if h.azr else None)
            while twin.given[0] in h.given:
                twin.given = [rng.randrange(len(pool))]
            h.lookalike, h.group = "twin", group
            out.append(twin)
        elif r < 0.06 and len(out) < n and h.born.year < 1995:  # a child with the parent's names
            group += 1
            child = replace(h, truth=len(out), born=h.born + timedelta(days=365 * rng.randint(18, 35)),
                            lookalike="parent_child", group=group,
                            azr=f"{next(azr_seq):012d}" if h.azr else None)
            h.lookalike, h.group = "parent_child", group
            out.append(child)
    return out


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 1)
    op = rng.random()
    if op < 0.4:
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    if op < 0.7:
        return text[:i] + text[i + 1:]
    return text[:i] + rng.choice("aeinrstlo") + text[i + 1:]


def abh_identity(rng: random.Random, h: Human, ident_id: int) -> Identity:
    """The foreigners authority's record: canonical spelling; common names often carry 01.01.YYYY."""
    pool = GIVEN_M if h.sex == "m" else GIVEN_W
    born, precision = h.born, "day"
    if h.lookalike is None and isinstance(h.family, int) and rng.random() < 0.08:
        born = date(h.born.year, 1, 1)
        h.lookalike = "common_placeholder"
    return Identity(ident_id, _spell(rng, h.family, FAMILY, 0),
                    " ".join(_spell(rng, g, pool, 0) for g in h.given), born, precision, h.sex, list(h.nats),
                    h.postcode if h.street else None, h.street, h.number if h.street else None, h.azr)


def varied_names(rng: random.Random, family: str, given: list[str], *,
                 swapped: float = 0.04) -> tuple[str, str]:
    """(family, given names) as another office writes them (linkage.md's variation): a given name dropped
    or the order reversed, a typo, transliterated to ASCII, family and given names swapped (`swapped`).
    Also the demo city's deliveries (demo/offices.py) vary their names here."""
    given = list(given)
    if len(given) > 1 and rng.random() < 0.15:
        given = given[:1]  # shortened
    elif len(given) > 1 and rng.random() < 0.1:
        given.reverse()
    given_text = " ".join(given)
    if rng.random() < 0.12:
        family = _typo(rng, family) if rng.random() < 0.5 else family
        given_text = _typo(rng, given_text) if rng.random() < 0.6 else given_text
    if rng.random() < 0.3:
        from anyascii import anyascii

        family, given_text = anyascii(family), anyascii(given_text)
    if swapped and rng.random() < swapped:
        family, given_text = given_text, family
    return family, given_text


def office_identity(rng: random.Random, h: Human, ident_id: int, source: str) -> Identity:
    """Another office's record of the same human, with the contract's variation."""
    pool = GIVEN_M if h.sex == "m" else GIVEN_W
    family = _spell(rng, h.family, FAMILY, 0.5)
    family, given_text = varied_names(rng, family, [_spell(rng, g, pool, 0.5) for g in h.given])
    born, precision = h.born, "day"
    r = rng.random()
    if r < 0.05:
        born, precision = date(h.born.year, 7, 1), "year"
    elif r < 0.08:
        born, precision = date(h.born.year, h.born.month, 15), "month"
    elif r < 0.11 and h.born.day <= 12:
        born = date(h.born.year, h.born.day, h.born.month)
    elif r < 0.16:
        born = date(h.born.year, 1, 1)
    elif r < 0.19:
        born = h.born + timedelta(days=rng.choice([-2, -1, 1, 2, 10]))
    nats = list(h.nats)
    if source == "sch" or rng.random() < 0.1:
        nats = []
    elif rng.random() < 0.05:
        nats = nats + [rng.choice(NATS)]
    street, number, postcode = h.street, h.number, h.postcode
    r = rng.random()
    if r < 0.2 or street is None:
        street = number = postcode = None
    elif r < 0.35:
        street, number, postcode = rng.choice(STREETS), str(rng.randint(1, 120)), f"490{rng.randint(70, 99)}"
    azr = h.azr if source in ("soz", "jug") and rng.random() < 0.25 else None
    return Identity(ident_id, family, given_text, born, precision, h.sex, list(dict.fromkeys(nats)), postcode,
                    street, number, azr)


SHARE = {"soz": 0.35, "jug": 0.12, "sch": 0.15}


def population(n: int, seed: int = 1, abh_share: float = 0.85) -> Population:
    """n humans; abh knows `abh_share` of them, the other offices their SHARE each (also of the rest)."""
    rng = random.Random(seed + 7)
    pop = Population(humans=humans(n, seed))
    ident = iter(range(1, 10 ** 9))
    pop.records["abh"] = []
    for h in pop.humans:
        if rng.random() < abh_share:
            pop.records["abh"].append((abh_identity(rng, h, next(ident)), h.truth, f"A-{h.truth}"))
        if h.group is not None:
            pop.lookalike_groups[h.truth] = h.lookalike or ""
    for source, share in SHARE.items():
        rows = pop.records.setdefault(source, [])
        for h in pop.humans:
            if source in ("jug", "sch") and h.born.year < 1996:
                continue
            if rng.random() < share * (2.5 if source in ("jug", "sch") else 1):
                rows.append(
                    (office_identity(rng, h, next(ident), source), h.truth, f"{source[0].upper()}-{h.truth}")
                )
                if rng.random() < 0.01:  # the office's own duplicate under another key
                    rows.append((office_identity(rng, h, next(ident), source), h.truth,
                                 f"{source[0].upper()}-{h.truth}-D"))
    return pop
