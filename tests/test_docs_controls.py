"""docs/security.md's controls table cites only tests that exist (file, and test function where named)."""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Controls and the tests that prove them"


def cited_tests() -> list[tuple[str, str | None]]:
    """(file, test name or None) for every test the table's last column names; `::name` continues the
    file cited before it in the same row."""
    text = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    assert text.count(SECTION) == 1 and text.count("| # | threat | control | where | proven by |") == 1, \
        "docs/security.md has one controls table"
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    cited = []
    for row in (line for line in section.splitlines() if re.match(r"\| \d+ \|", line)):
        current = None
        for token in re.findall(r"`([^`]+)`", row.rsplit(" | ", 1)[1]):
            if token.startswith("::"):
                assert current, f"{token} follows no file in: {row[:60]}"
                cited.append((current, token[2:]))
                continue
            path, _, name = token.partition("::")
            assert path.startswith("tests/") and path.endswith(".py"), f"not a test file: {token}"
            current = path
            cited.append((path, name or None))
    return cited


def test_the_table_cites_tests():
    cited = cited_tests()
    assert len(cited) > 40 and len({f for f, _ in cited}) > 15


def test_every_cited_test_exists():
    defined: dict[str, set[str]] = {}
    missing = []
    for path, name in cited_tests():
        file = ROOT / path
        if not file.is_file():
            missing.append(path)
            continue
        if path not in defined:
            tree = ast.parse(file.read_text(encoding="utf-8"))
            functions = (ast.FunctionDef, ast.AsyncFunctionDef)
            defined[path] = {n.name for n in ast.walk(tree) if isinstance(n, functions)}
        if name is not None and name not in defined[path]:
            missing.append(f"{path}::{name}")
    assert not missing, missing
