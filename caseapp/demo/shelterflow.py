"""Day-by-day simulation of the shelters: arrivals, allocations, relocations, births, move-outs, departures.

Rules kept on every day (the tests check them on the written data): a room never holds more persons than
its beds minus blocked beds, a shelter never more than its fire-safety maximum, families get rooms of
their own, single adults share rooms with adults of the same sex (men never in women-only rooms), a
household stays together in one shelter, and a closed shelter is empty.  Beds for babies expected during
a stay are reserved at allocation, so a newborn always finds a bed next to its family.
"""
from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import date, timedelta

from caseapp.demo.record import ACCOMMODATED, ANNOUNCED, ARRIVED, HOUSED, Recorder

CLOSE, EXIT, PRIVATE, RELOCATE, BIRTH, ARRIVE = range(6)
_HANDLERS = ("_close", "_exit", "_private", "_relocate", "_birth", "_arrive")
DAY = timedelta(days=1)

_DEPART_REASONS = ("Umzug in eine andere Kommune", "Freiwillige Ausreise",
                   "Umverteilung in ein anderes Bundesland", "Unbekannt verzogen")
_RELOCATE_REASONS = ("Familienzusammenführung", "Zimmer wegen Schaden gesperrt", "Konflikt im Zimmer",
                     "Näher an Schule und Kita", "Barrierefreies Zimmer benötigt")


@dataclass(slots=True, eq=False)
class Alloc:
    hh: object
    duration: int
    departs: bool
    status: str = ARRIVED                 # arrived (waiting), accommodated, housed, departed
    rooms: list = field(default_factory=list)   # [room, beds taken (incl. reserved), used]
    since: date | None = None
    planned_exit: date | None = None
    version: int = 0


class ShelterFlow:
    def __init__(self, rng, today: date, shelters, rec: Recorder, flat_address):
        self.rng, self.today, self.shelters, self.rec = rng, today, shelters, rec
        self.flat_address = flat_address
        self.calendar: dict[date, list] = defaultdict(list)
        self.allocs: dict[int, Alloc] = {}
        self.queue: list[tuple[Alloc, date]] = []
        self.rooms_by_id = {r.id: r for s in shelters for r in s.rooms}
        self.residents: deque[Alloc] = deque()   # in order of allocation: the longest resident first
        self.max_forced = max(3, len(shelters) // 10)  # forced move-outs per day
        self._n = 0
        self._turn = 0
        self._candidates_on: tuple[date, list] | None = None
        for s in shelters:
            s.empty_cap = sum(r.cap for r in s.rooms if r.occ == 0)
            if s.closed:
                self._at(s.closed, CLOSE, s)

    def _at(self, day: date, kind: int, *payload) -> None:
        if day <= self.today:
            self._n += 1
            self.calendar[day].append((kind, self._n, payload))

    # -- set-up -----------------------------------------------------------------------------
    def add(self, hh) -> None:
        rng = self.rng
        single = hh.size == 1
        duration = max(21, int(rng.lognormvariate(0, 0.6) * (260 if single else 200)))
        a = Alloc(hh, duration, rng.random() < 0.12)
        self.allocs[hh.key] = a
        announce = min(hh.arrival - timedelta(days=rng.randint(2, 14)), self.today)
        if a.departs:  # babies of a household that leaves the city again were born before it came
            for p in hh.members:
                if p.move_in > hh.arrival:
                    p.birth = hh.arrival - timedelta(days=rng.randint(1, 300))
                    p.move_in = p.entry = hh.arrival
        for p in hh.members:
            if p.move_in <= hh.arrival and max(announce, p.birth) <= self.today:
                self.rec.register(p, max(announce, p.birth), ANNOUNCED, "Ankündigung durch die "
                                                                        "Landesaufnahmebehörde")
        self._at(hh.arrival, ARRIVE, a)
        for p in hh.members:
            if p.move_in > hh.arrival:
                self._at(p.move_in, BIRTH, a, p)

    # -- the loop ---------------------------------------------------------------------------
    def run(self, start: date) -> None:
        day = start
        while day <= self.today:
            events = self.calendar.pop(day, ())
            for kind, _, payload in sorted(events, key=lambda e: (e[0], e[1])):
                getattr(self, _HANDLERS[kind])(day, *payload)
            if self.queue:
                self._serve_queue(day)
            day += DAY

    def _arrive(self, day: date, a: Alloc) -> None:
        for p in a.hh.members:
            if p.move_in <= day:
                self.rec.step(p, day, "arrive", "Zuweisung durch die Landesaufnahmebehörde Niedersachsen")
        rng = self.rng
        if rng.random() < (0.3 if a.hh.code == "UKR" else 0.04):
            # Relatives or a host family take them in: no shelter bed, a flat of their own in some days.
            self._at(day + timedelta(days=rng.randint(2, 30)), PRIVATE, a)
            return
        wait = 0 if rng.random() < 0.8 else rng.randint(1, 10)
        self.queue.append((a, day + timedelta(days=wait)))

    def _private(self, day: date, a: Alloc) -> None:
        a.status = HOUSED
        a.hh.addr = self.flat_address()
        for p in a.hh.members:
            if p.state == ARRIVED:
                self.rec.step(p, day, "move_out", "Private Unterkunft bei Angehörigen oder Gastfamilie")
                p.addr = a.hh.addr

    def _serve_queue(self, day: date) -> None:
        failed: set = set()
        forced = 0
        for entry in list(self.queue):
            a, not_before = entry
            if day < not_before:
                continue
            sig = self._signature(a, day)
            if sig in failed:
                continue
            while not self._allocate(a, day):
                if forced < self.max_forced and (day - not_before).days > 21 and self._force_move_out(day):
                    forced += 1
                    continue
                failed.add(sig)
                break
            else:
                self.queue.remove(entry)

    @staticmethod
    def _signature(a: Alloc, day: date):
        """Households alike enough that when one finds no place today, the next need not try."""
        hh = a.hh
        if hh.size == 1:
            return ("single", hh.members[0].sex)
        return ("hh", hh.size)

    # -- allocation -------------------------------------------------------------------------
    def _allocate(self, a: Alloc, day: date) -> bool:
        hh = a.hh
        present = [p for p in hh.members if p.move_in <= day]
        planned_exit = day + timedelta(days=a.duration)
        expected = [p for p in hh.members if day < p.move_in < planned_exit]
        taken = self._place(hh, day, len(present) + len(expected))
        if taken is None:
            return False
        a.rooms, a.since, a.planned_exit, a.status = taken, day, planned_exit, ACCOMMODATED
        self.residents.append(a)
        for p in present:
            self._bed(a, p, day)
            self.rec.step(p, day, "allocate")
        self._at(planned_exit, EXIT, a, a.version, "depart" if a.departs else "move_out", None)
        if a.duration > 120 and self.rng.random() < 0.18:
            when = day + timedelta(days=self.rng.randint(30, a.duration - 60))
            self._at(when, RELOCATE, a, a.version, self.rng.choice(_RELOCATE_REASONS))
        return True

    def _bed(self, a: Alloc, p, day: date) -> None:
        for slot in a.rooms:
            if slot[2] < slot[1]:
                slot[2] += 1
                self.rec.open_stay(p, slot[0], day)
                return
        raise AssertionError(f"no reserved bed for person {p.id}")

    def _women_only_ok(self, hh, day: date) -> bool:
        return all(p.sex == "w" or (day - p.birth).days < 14 * 365 for p in hh.members)

    def _place(self, hh, day: date, need: int, exclude=frozenset(), exclude_shelter=None):
        """Rooms for `need` beds as [[room, beds, 0], ...], or None when no fitting place is free."""
        shelters = [
            s for s in self._candidates(day) if s is not exclude_shelter and s.occ + need <= s.fire_max
        ]
        if hh.size == 1 and hh.members[0].sex in ("m", "w"):
            sex = hh.members[0].sex
            for s in shelters:
                best = None
                for r in s.rooms:
                    if (r.family or r in exclude or r.occ >= r.cap or r.mode not in (None, sex)
                            or (sex == "m" and r.women_only)):
                        continue
                    key = (r.mode is None, not (sex == "w" and r.women_only), r.id)
                    if best is None or key < best[0]:
                        best = (key, r)
                if best:
                    return self._take([(best[1], 1)], sex)
            return None
        women_ok = self._women_only_ok(hh, day)
        wheelchair = any(p.needs == "rollstuhl" for p in hh.members)
        for s in shelters:
            if s.empty_cap < need:  # not even all its empty rooms together would hold the household
                continue
            free = [r for r in s.rooms if r.occ == 0 and r.cap > 0 and r not in exclude
                    and (women_ok or not r.women_only)]
            fitting = [r for r in free if r.cap >= need]
            if fitting:
                room = min(
                    fitting, key=lambda r: (r.cap - need, not r.family, wheelchair and not r.accessible, r.id)
                )
                return self._take([(room, need)], "hh")
            if sum(r.cap for r in free) >= need:
                taken, left = [], need
                for r in sorted(free, key=lambda r: (-r.cap, r.id)):
                    taken.append((r, min(r.cap, left)))
                    left -= min(r.cap, left)
                    if not left:
                        return self._take(taken, "hh")
        return None

    def _candidates(self, day: date) -> list:
        """Shelters taking people today (open, not closing within 45 days), starting at the next in turn,
        so that arrivals spread over the city's shelters."""
        if self._candidates_on is None or self._candidates_on[0] != day:
            horizon = day + timedelta(days=45)
            self._candidates_on = (day, [s for s in self.shelters
                                         if s.open_on(day) and (s.closed is None or horizon < s.closed)])
        shelters = self._candidates_on[1]
        if not shelters:
            return shelters
        self._turn = (self._turn + 1) % len(shelters)
        return shelters[self._turn:] + shelters[:self._turn]

    @staticmethod
    def _take(pairs, mode: str) -> list:
        for room, n in pairs:
            if room.occ == 0:
                room.shelter.empty_cap -= room.cap
            room.occ += n
            room.mode = mode
            room.shelter.occ += n
        return [[room, n, 0] for room, n in pairs]

    @staticmethod
    def _release(a: Alloc) -> None:
        for room, n, _ in a.rooms:
            room.occ -= n
            room.shelter.occ -= n
            if room.occ == 0:
                room.mode = None
                room.shelter.empty_cap += room.cap
        a.rooms = []

    # -- events during and after a stay -----------------------------------------------------
    def _birth(self, day: date, a: Alloc, p) -> None:
        if p.state is not None or p.move_in != day:
            return
        if a.status == ACCOMMODATED:
            self.rec.register(p, day, ARRIVED, "Geburt")
            self._bed(a, p, day)
            self.rec.step(p, day, "allocate", "Geburt")
        elif a.status == HOUSED:
            p.addr = a.hh.addr
            self.rec.register(p, day, HOUSED, "Geburt")
        else:
            self.rec.register(p, day, ARRIVED, "Geburt")

    def _relocate(self, day: date, a: Alloc, version: int, reason: str, exclude_shelter=None) -> bool:
        if a.version != version or a.status != ACCOMMODATED:
            return False
        hh = a.hh
        staying = [p for p in hh.members if self.rec.in_shelter(p)]
        expected = [p for p in hh.members if p.state is None and day <= p.move_in < a.planned_exit]
        current = {slot[0] for slot in a.rooms}
        taken = self._place(
            hh, day, len(staying) + len(expected), exclude=current, exclude_shelter=exclude_shelter
        )
        if taken is None:
            return False
        self._release(a)
        a.rooms = taken
        for p in staying:
            self.rec.close_stay(p, day)
            self._bed(a, p, day)
            self.rec.step(p, day, "relocate", reason)
        return True

    def _exit(self, day: date, a: Alloc, version: int, event: str, reason: str | None) -> None:
        if a.version != version or a.status != ACCOMMODATED:
            return
        a.version += 1
        self._release(a)
        hh = a.hh
        if event == "move_out":
            a.status = HOUSED
            hh.addr = self.flat_address()
            reason = reason or "Eigene Wohnung bezogen"
        else:
            a.status = "departed"
            reason = reason or self.rng.choice(_DEPART_REASONS)
        for p in hh.members:
            if self.rec.in_shelter(p):
                shelter = self._room_of(p).shelter
                self.rec.close_stay(p, day)
                self.rec.step(p, day, event, reason)
                if event == "move_out":
                    p.addr = hh.addr
                else:
                    p.addr, p.move_out = shelter.address, day

    def _force_move_out(self, day: date) -> bool:
        """The shelters are full and people wait: the longest resident household gets a flat now."""
        limit = day - timedelta(days=150)
        while self.residents and self.residents[0].status != ACCOMMODATED:
            self.residents.popleft()
        if not self.residents or self.residents[0].since > limit:
            return False
        longest = self.residents.popleft()
        self._exit(day, longest, longest.version, "move_out", "Wohnung über das Wohnungsamt vermittelt")
        return True

    def _close(self, day: date, shelter) -> None:
        for a in list(self.allocs.values()):
            if (a.status == ACCOMMODATED and any(slot[0].shelter is shelter for slot in a.rooms)
                    and not self._relocate(day, a, a.version, "Schließung der Unterkunft",
                                           exclude_shelter=shelter)):
                self._exit(day, a, a.version, "move_out", "Schließung der Unterkunft, Wohnung vermittelt")
        assert shelter.occ == 0, f"shelter {shelter.id} not empty at closing"

    # -- after the last day -------------------------------------------------------------------
    def finish(self) -> None:
        """Addresses as of today: residents have their shelter's, the rest keep what they had."""
        for a in self.allocs.values():
            if a.status == ACCOMMODATED:
                for p in a.hh.members:
                    if self.rec.in_shelter(p):
                        p.addr = self._room_of(p).shelter.address

    def _room_of(self, p):
        return self.rooms_by_id[self.rec.open_stays[p.id][1]]
