"""The code's shape (issue 19): no module past 400 lines, and one name per area in every layer."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASEAPP = ROOT / "caseapp"
MAX_LINES = 400


def test_no_module_in_caseapp_is_over_400_lines():
    long = {p.relative_to(ROOT).as_posix(): n for p in CASEAPP.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"split these modules (over {MAX_LINES} lines): {long}"


def test_one_name_per_area_in_every_layer():
    """The API, tasks and tests name an area as its package does: people (not persons), sources (not sync).
    Module names of the API and tasks are areas or parts of one (households, placements: shelters)."""
    areas = {p.name for p in CASEAPP.iterdir() if (p / "__init__.py").is_file()}
    parts = {"households", "placements"}
    machinery = {"__init__", "support", "celery_app", "locks", "schedule", "signing"}
    for layer in ("api", "tasks"):
        for module in (CASEAPP / layer).glob("*.py"):
            assert module.stem in areas | parts | machinery, f"{layer}/{module.name} names no area"
    old_names = ("persons", "sync")
    offenders = [p.relative_to(ROOT).as_posix() for base in (CASEAPP, ROOT / "tests")
                 for p in base.rglob("*.py") if any(w in p.stem.split("_") for w in old_names)]
    assert not offenders, offenders
    assert not (CASEAPP / "people" / "placement.py").exists()  # placement lives in shelters/placement/


def test_placement_lives_in_the_shelter_area():
    """A person's and a household's placement look for shelters through the same function."""
    from caseapp.shelters.placement import choice, household

    assert household.target_shelters is choice.target_shelters
    people_code = (CASEAPP / "people" / "households.py").read_text(encoding="utf-8") \
        + (CASEAPP / "people" / "operations.py").read_text(encoding="utf-8")
    assert "Shelter.state" not in people_code  # no shelter choice in the person area
