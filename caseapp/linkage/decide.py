"""From scored pairs to decisions: deterministic rules first, then the thresholds, with the look-alike guards.

Rules, in order, per incoming record:
1. an equal AZR number is the same human, unless sex differs or the birth years differ by more than
   one: then the pair goes to the queue (kind `azr`), naming the office that holds the number;
2. a candidate known from the record's own source is never linked: that is the source's own duplicate
   (kind `source_duplicate`), reported to the source through the queue when the model finds it likely;
3. a pair remembered as different is never proposed again;
4. at or above the upper threshold the record links, unless a guard holds it back (then it is queued):
   given names that do not agree (twins), birth years more than one apart (parent and child), a sex
   that differs, different AZR numbers, or a birth date that agrees only by year (01.01.YYYY
   placeholder, partly unknown) with no second proof (equal address or AZR number) - the common-name
   look-alikes; two candidates above the threshold are ambiguous and both queued;
5. between the thresholds the pair is queued (the best three candidates); below, the record is a new person.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher

from caseapp.linkage import normalise as nm

QUEUE_PER_RECORD = 3
WHY = ("family_name", "given_names", "birth_date", "sex", "nationality", "address", "azr")


@dataclass
class Candidate:
    person_id: int
    score: float
    probability: float | None = None
    weights: dict = field(default_factory=dict)
    gammas: dict = field(default_factory=dict)


@dataclass
class Decision:
    incoming: int
    action: str  # link, queue, new
    links_to: int | None = None
    rule: str | None = None  # azr, model
    queue: list[tuple[Candidate, str, str | None]] = field(default_factory=list)  # candidate, kind, reason
    candidate: Candidate | None = None


def candidates_from(scored) -> dict[int, dict[int, Candidate]]:
    """Best scoring orientation per (incoming, known) pair; swapped-name rows carry negative ids."""
    found: dict[int, dict[int, Candidate]] = {}
    if scored is None or len(scored) == 0:
        return found
    cols = list(scored.columns)
    idx = {c: i for i, c in enumerate(cols)}
    for values in scored.itertuples(index=False, name=None):
        left, right = abs(int(values[idx["unique_id_l"]])), int(values[idx["unique_id_r"]])
        if left == right:
            continue
        weight = float(values[idx["match_weight"]])
        mine = found.setdefault(left, {})
        if right in mine and mine[right].score >= weight:
            continue
        mine[right] = Candidate(
            right,
            weight,
            float(values[idx["match_probability"]]),
            {
                w: round(
                    float(values[idx[f"mw_{w}"]])
                    + float(values[idx.get(f"mw_tf_adj_{w}", -1)] if f"mw_tf_adj_{w}" in idx else 0),
                    2,
                )
                for w in WHY
                if f"mw_{w}" in idx
            },
        )
    return found


def _names_agree(x: str | None, y: str | None) -> bool:
    # Not the Kölner Phonetik here: it codes Mahmoud and Mohammed alike (662), twins' names in one family.
    if not x or not y:
        return True
    if (nm.canonical(x) == nm.canonical(y) or nm.sorted_tokens(x) == nm.sorted_tokens(y)
            or nm.first_token(x) == nm.first_token(y)):
        return True
    return SequenceMatcher(None, nm.canonical(x), nm.canonical(y)).ratio() >= 0.8


def _given_agree(a, b) -> bool:
    """Given names agree as the model's upper levels see it (equal folded, reordered, phonetic, first
    name, or close in spelling), also when one source swapped family and given names."""
    return _names_agree(a.given_names, b.given_names) or (
        _names_agree(a.given_names, b.family_name) and _names_agree(a.family_name, b.given_names))


def _full_date_agrees(a, b) -> bool:
    """Both dates known to the day, not the 01.01. placeholder, and equal, swapped or a month apart."""
    pa, pb = nm.birth_parts(a.birth_date, a.birth_precision), nm.birth_parts(b.birth_date, b.birth_precision)
    if pa[2] is None or pb[2] is None or (pa[1], pa[2]) == (1, 1) or (pb[1], pb[2]) == (1, 1):
        return False
    da, db_ = date(*pa), date(*pb)
    return abs((da - db_).days) <= 31 or (pa[0], pa[1], pa[2]) == (pb[0], pb[2], pb[1])


# Names at least this rare (family + given names match weight, term frequencies included) carry a
# birth date known only by its year; commoner names need a full date or an equal address.
RARE_NAMES = 12.0


def guard(a, b, weights: dict | None = None) -> str | None:
    """Why a strong candidate must still be looked at by a person (None: it may link)."""
    if not _given_agree(a, b):
        return "Vornamen weichen ab (Zwillinge?)"
    if _year_gap(a, b) > 1:
        return "Geburtsjahre liegen mehr als ein Jahr auseinander (Eltern und Kind?)"
    if _sex_differs(a.sex, b.sex):
        return "Geschlecht weicht ab"
    if a.azr_number and b.azr_number and a.azr_number != b.azr_number:
        return "verschiedene AZR-Nummern"
    same_address = bool(a.postcode and a.street and a.postcode == b.postcode
                        and nm.joined(a.street) == nm.joined(b.street))
    names = (weights or {}).get("family_name", 0) + (weights or {}).get("given_names", 0)
    if not _full_date_agrees(a, b) and not same_address and names < RARE_NAMES:
        return "Geburtsdatum nur im Jahr bestätigt (01.01. oder unbekannt), keine weitere Bestätigung"
    return None


def decide(incoming, known, candidates, *, sources, incoming_source: str, upper: float, lower: float,
           non_match=lambda a, b: False) -> list[Decision]:
    """incoming, known: {id: Identity}; sources: {person id: set of source codes}."""
    by_azr = {}
    for pid, ident in known.items():
        if ident.azr_number:
            by_azr.setdefault(ident.azr_number, []).append(pid)
    out = []
    for pid, ident in incoming.items():
        d = Decision(pid, "new")
        found = candidates.get(pid, {})
        azr_hits = [k for k in by_azr.get(ident.azr_number, []) if k != pid] if ident.azr_number else []
        for k in azr_hits:
            other = known[k]
            c = found.get(k) or Candidate(k, 99.0)
            if incoming_source in sources.get(k, ()):
                d.queue.append((c, "source_duplicate", "gleiche AZR-Nummer in derselben Quelle"))
            elif _sex_differs(ident.sex, other.sex) or _year_gap(ident, other) > 1:
                d.queue.append((c, "azr", "gleiche AZR-Nummer, aber Geschlecht oder Geburtsjahr weichen ab"))
            elif d.action == "new":
                d.action, d.links_to, d.rule, d.candidate = "link", k, "azr", c
        if d.action == "link" or d.queue:
            out.append(d)
            continue
        ranked = sorted((c for c in found.values() if c.person_id in known and c.score >= lower),
                        key=lambda c: -c.score)
        ranked = [c for c in ranked if not non_match(pid, c.person_id)]
        strong = []
        for c in ranked:
            if incoming_source in sources.get(c.person_id, ()):
                d.queue.append((c, "source_duplicate", "möglicher Doppeleintrag derselben Quelle"))
                continue
            reason = guard(ident, known[c.person_id], c.weights)
            if c.score >= upper and reason is None:
                strong.append(c)
            else:
                d.queue.append((c, "model", reason))
        if len(strong) == 1:
            d.action, d.links_to, d.rule, d.candidate = "link", strong[0].person_id, "model", strong[0]
        else:
            d.queue.extend((c, "model", "mehrere Personen passen") for c in strong)
        d.queue = sorted(d.queue, key=lambda q: -q[0].score)[:QUEUE_PER_RECORD]
        if d.action == "new" and d.queue:
            d.action = "queue"
        out.append(d)
    return out


def _sex_differs(a: str, b: str) -> bool:
    return a != b and a in ("m", "w") and b in ("m", "w")


def _year_gap(a, b) -> int:
    def year(x):
        return int(x[:4]) if isinstance(x, str) else x.year

    return abs(year(a.birth_date) - year(b.birth_date))
