"""The protection rules of every placement (interfaces.md): what a room must offer the person placed in it."""
from __future__ import annotations

from caseapp.shelters.models import Room

MOBILITY_NEEDS = {"rollstuhl", "rollator", "gehbehindert", "barrierefrei", "mobilitaet", "mobilität"}


def needs_of(person) -> set[str]:
    return {n.strip().lower() for n in (person.needs or "").split(",") if n.strip()}


def needs_accessible(person) -> bool:
    return bool(needs_of(person) & MOBILITY_NEEDS)


def eligible(room: Room, person, free: int) -> bool:
    if free < 1:
        return False
    if room.women_only and person.sex != "w":
        return False
    return room.accessible or not needs_accessible(person)
