"""Published figures leave through one door (caseapp/stats/publish.py): which modules may read raw counts,
who may call the protection method, one marker for a hidden count, and the map draws that marker."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from caseapp.charts import district_map
from caseapp.stats.publish import SUPPRESSED, map_shelters_for

ROOT = Path(__file__).resolve().parent.parent / "caseapp"

# module -> names that hand out raw (unprotected) counts; "*" = the whole module.
RAW = {
    "caseapp.stats.queries": {"population", "keyed_population", "count_by", "total", "person_columns",
                              "state_on", "_count"},
    "caseapp.stats.occupancy": {"shelter_overview", "daily_occupancy", "movements", "overview_totals"},
    "caseapp.stats.cube": {"*"},
    "caseapp.reports.queries": {"*"},
    "caseapp.forecast.model": {"forecast", "backtest", "actual_counts"},
    "caseapp.forecast.data": {"load", "population_rows", "*"},
}
# The protection method: only the door decides what is hidden.
METHOD = {"caseapp.stats.suppression": {"*"}, "caseapp.stats.lattice": {"*"}}

# Modules allowed to read raw counts. Anything else that wants a figure asks the door.
RAW_READERS = {
    "stats/publish.py",  # the door
    "stats/queries.py", "stats/cube.py", "stats/occupancy.py", "reports/queries.py",  # the raw sources
    "tasks/stats.py",  # re-bases the cube, shows nothing
    "forecast/model.py", "forecast/data.py", "forecast/service.py",  # service hides via publish.small_hidden
    # stores the backtest; its counted children are published only by service.actual_series (cell-key)
    "forecast/evaluation.py",
    # Committee reports compose several raw sources (shelter days, movements, minors without adults) and
    # hand every figure to publish.protect_table (via reports/tables.py) before it is printed or drawn.
    "reports/content/common.py", "reports/content/feuerwehr_ordnung.py", "reports/content/shelters.py",
    "reports/content/jugendhilfe.py", "reports/content/schule_sport.py", "reports/content/forecasts.py",
}
METHOD_USERS = {"stats/publish.py", "stats/suppression.py", "stats/lattice.py"}


def _imports(path: Path):
    """(module, name) for every import in the file; name None for `import module`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                yield node.module, alias.name
                yield f"{node.module}.{alias.name}", None  # `from caseapp.stats import occupancy`
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None


def _reads(path: Path, table: dict) -> list[str]:
    hits = []
    for module, name in _imports(path):
        names = table.get(module)
        if names is None:
            continue
        if name is None or "*" in names or name in names:
            hits.append(f"{module}:{name or '*'}")
    return hits


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        yield path.relative_to(ROOT).as_posix(), path


def test_only_listed_modules_read_raw_counts():
    offenders = {
        rel: hits for rel, path in _modules() if (hits := _reads(path, RAW)) and rel not in RAW_READERS
    }
    assert offenders == {}, "read raw counts without the door (caseapp/stats/publish.py)"


def test_no_page_api_or_export_reads_raw_counts():
    for rel, path in _modules():
        if rel.startswith(("admin/", "api/", "charts/", "templates/")) or rel == "stats/exports.py":
            assert not _reads(path, RAW), rel


def test_only_the_door_calls_the_protection_method():
    offenders = {rel: hits for rel, path in _modules()
                 if (hits := _reads(path, METHOD)) and rel not in METHOD_USERS}
    assert offenders == {}


def _string_constants(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
                  and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value,
                                                                                ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.value


def test_the_marker_is_defined_once():
    users = sorted(rel for rel, path in _modules() if any(SUPPRESSED in s for s in _string_constants(path)))
    assert users == ["stats/publish.py"]
    templates = [p.name for p in (ROOT / "templates").rglob("*.html") if SUPPRESSED in p.read_text("utf-8")]
    assert templates == []


def test_the_map_marks_a_hidden_shelter_count_instead_of_an_empty_circle():
    shelters = [{"district": "07", "name": "GU Klein", "occupied": None, "capacity": 20},
                {"district": "07", "name": "GU Leer", "occupied": 0, "capacity": 20}]
    svg = district_map({"07": 10}, shelters)
    hidden = re.search(r"<g><title>GU Klein</title>.*?</g>", svg, re.DOTALL).group(0)
    empty = re.search(r"<g><title>GU Leer</title>.*?</g>", svg, re.DOTALL).group(0)
    assert SUPPRESSED in hidden and SUPPRESSED not in empty


def test_map_shelters_are_the_protected_occupancy(app, db, factory, login_as):
    small = factory.shelter(district="07", rooms=(("1.01", 4),))
    big = factory.shelter(district="08", rooms=(("1.01", 10),))
    factory.stay(factory.person(district="07", state="accommodated"), small.rooms[0])
    for _ in range(6):
        factory.stay(factory.person(district="08", state="accommodated"), big.rooms[0])
    analyst = factory.user("analyst")
    caseworker = factory.user("caseworker", offices=("abh",))
    shown = {s["name"]: s["occupied"] for s in map_shelters_for(analyst, None)}
    exact = {s["name"]: s["occupied"] for s in map_shelters_for(caseworker, None)}
    assert shown[small.name] is None and exact[small.name] == 1
    html = login_as("analyst").get("/admin/stats/").get_data(as_text=True)
    assert re.search(rf"<title>{re.escape(small.name)}</title>.*?{SUPPRESSED}", html, re.DOTALL)
