"""The demo city's shelters and rooms: sizes, room features, blocked beds, fire-safety limits, opening
dates."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from caseapp.demo import places

_ROOM_BEDS = (2, 3, 4, 6, 8)
_ROOM_WEIGHTS = (24, 16, 36, 19, 5)
_ROMAN = ("", " II", " III", " IV", " V", " VI")


@dataclass(slots=True, eq=False)
class Room:
    id: int
    shelter: Shelter
    name: str
    beds: int
    blocked: int = 0
    accessible: bool = False
    family: bool = False
    women_only: bool = False
    # simulation state
    occ: int = 0                    # occupied plus reserved beds
    mode: str | None = None         # None empty, "hh" one household alone, "m"/"w" shared by single adults

    @property
    def cap(self) -> int:
        return self.beds - self.blocked


@dataclass(slots=True, eq=False)
class Shelter:
    id: int
    name: str
    street: str
    house_number: str
    postcode: str
    district: str
    operator: str
    created: date
    opened: date | None
    closed: date | None
    fire_max: int
    rooms: list[Room] = field(default_factory=list)
    occ: int = 0
    # beds in rooms nobody occupies (simulation state, kept by shelterflow's _take and _release): a household
    # needs empty rooms, so a shelter with fewer such beds than the household is skipped without a look
    empty_cap: int = 0

    @property
    def beds(self) -> int:
        return sum(r.beds for r in self.rooms)

    @property
    def state(self) -> str:
        return "closed" if self.closed else "open" if self.opened else "planned"

    def open_on(self, day: date) -> bool:
        return self.opened is not None and self.opened <= day and (self.closed is None or day < self.closed)

    @property
    def address(self) -> tuple:
        return self.street, self.house_number, self.postcode, self.district


def build_estate(rng, n_persons: int, today: date, sim_start: date, window_start: date) -> list[Shelter]:
    """About one bed per 30 persons (1,500 beds for 45,000), in shelters of 10 to 150 beds."""
    target_beds = max(16, round(n_persons / 30))
    n_shelters = max(6, round(n_persons / 1500))
    sizes = [rng.lognormvariate(0, 0.6) for _ in range(n_shelters)]
    scale = target_beds / sum(sizes)
    sizes = [max(8, round(s * scale)) for s in sizes]
    lifecycles = _lifecycles(rng, n_shelters, today, sim_start, window_start)
    shelters: list[Shelter] = []
    used_names: set[str] = set()
    room_id = 0
    districts = list(places.SHELTER_DISTRICT_WEIGHTS)
    weights = list(places.SHELTER_DISTRICT_WEIGHTS.values())
    for i, (size, (created, opened, closed)) in enumerate(zip(sizes, lifecycles), start=1):
        district = districts[i - 1] if n_shelters >= 23 and i <= 23 else rng.choices(districts, weights)[0]
        _, postcode, streets = places.DISTRICTS[district]
        street = rng.choice(streets)
        kind = "Notunterkunft" if size > 110 else rng.choice(places.SHELTER_KINDS[:2])
        name = _unique(f"{kind} {street}", used_names)
        shelter = Shelter(i, name, street, str(rng.randint(1, 120)), postcode, district,
                          rng.choice(places.OPERATORS), created, opened, closed, 0)
        room_id = _rooms(rng, shelter, size, room_id)
        beds = shelter.beds
        shelter.fire_max = beds if rng.random() < 0.7 else max(4, int(beds * rng.uniform(0.8, 0.95)))
        shelters.append(shelter)
    return shelters


def _unique(name: str, used: set[str]) -> str:
    for suffix in _ROMAN:
        if name + suffix not in used:
            used.add(name + suffix)
            return name + suffix
    n = len(used)
    used.add(f"{name} ({n})")
    return f"{name} ({n})"


def _rooms(rng, shelter: Shelter, size: int, room_id: int) -> int:
    women_floor = rng.random() < 0.4
    beds, n = 0, 0
    while beds < size:
        n += 1
        b = rng.choices(_ROOM_BEDS, _ROOM_WEIGHTS)[0]
        b = min(b, max(2, size - beds)) if size - beds < b else b
        floor, number = divmod(n - 1, 10)
        room_id += 1
        room = Room(room_id, shelter, f"{floor}.{number + 1:02d}", b)
        room.family = b >= 4 and rng.random() < 0.5
        room.accessible = floor == 0 and number < 2 and rng.random() < 0.6
        room.women_only = women_floor and not room.family and b <= 4 and rng.random() < 0.35
        if rng.random() < 0.04:
            room.blocked = rng.randint(1, b)
        shelter.rooms.append(room)
        beds += b
    return room_id


def _lifecycles(rng, n: int, today: date, sim_start: date, window_start: date) -> list[tuple]:
    """(created, opened, closed) per shelter: most open for years, a few opened or closed lately, some
    planned."""
    n_planned, n_closed, n_new = max(1, n // 25), max(1, n // 15), max(1, n // 10)
    out = []
    for i in range(n):
        opened_long_ago = sim_start - timedelta(days=rng.randint(30, 3000))
        if i < n_planned:
            created = today - timedelta(days=rng.randint(20, 120))
            out.append((created, None, None))
        elif i < n_planned + n_closed:
            closed = window_start + timedelta(days=rng.randint(200, 800))
            out.append((opened_long_ago - timedelta(days=60), opened_long_ago, min(closed, today)))
        elif i < n_planned + n_closed + n_new:
            opened = window_start + timedelta(days=rng.randint(30, 700))
            out.append((opened - timedelta(days=rng.randint(60, 200)), opened, None))
        else:
            out.append((opened_long_ago - timedelta(days=60), opened_long_ago, None))
    rng.shuffle(out)
    return out
