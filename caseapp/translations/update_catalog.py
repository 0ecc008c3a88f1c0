"""Re-extracts caseapp's strings and merges them into the German catalog, keeping every translation.

Run from the repository root: `.venv/bin/python caseapp/translations/update_catalog.py`. Untranslated
msgids are listed at the end; translate them in de/LC_MESSAGES/messages.po and run it again (it also
compiles the .mo, which is committed so the app needs no build step).

It also compiles Flask-Admin's own German catalog into de/LC_MESSAGES/admin.mo: the admin.mo in the
Flask-Admin 2.2 wheel is older than its admin.po and lacks messages such as "Failed to create record.",
which then showed in English. The admin is given this folder as `translations_path` (caseapp/admin).
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PO = HERE / "de" / "LC_MESSAGES" / "messages.po"


def main() -> int:
    bin_dir = Path(sys.executable).parent
    pot = Path(tempfile.mkdtemp()) / "messages.pot"
    subprocess.run([str(bin_dir / "pybabel"), "extract", "-F", str(HERE / "babel.cfg"), "-k", "_l",
                    "-k", "lazy_gettext", "-k", "lazy_pgettext:1c,2", "--no-location", "--sort-output",
                    "-o", str(pot), "caseapp"],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with pot.open("rb") as fh:
        template = read_po(fh)
    old = {}
    if PO.exists():
        with PO.open("rb") as fh:
            # keyed with the context too: pgettext tells apart one English word with two German ones
            old = {(m.id, m.context): m.string for m in read_po(fh, locale="de") if m.id}
    template.locale = "de"
    template.fuzzy = False  # a fuzzy header would drop the charset from the .mo (umlauts break)
    template.project, template.version = "caseapp", "1"
    template.msgid_bugs_address = ""
    template.last_translator = template.language_team = "caseapp"
    missing = []
    for message in template:
        if not message.id:
            continue
        message.string = old.get((message.id, message.context), "")
        if not message.string:
            missing.append(message.id)
    PO.parent.mkdir(parents=True, exist_ok=True)
    template.header_comment = "# German catalog of caseapp; English msgids, German is the default language."
    with PO.open("wb") as fh:
        write_po(fh, template, width=110, omit_header=False, include_previous=False)
    with (PO.with_suffix(".mo")).open("wb") as fh:
        write_mo(fh, template)
    compile_flask_admin_catalog()
    for msgid in missing:
        print("untranslated:", msgid)
    return 0


def compile_flask_admin_catalog() -> None:
    import flask_admin

    source = Path(flask_admin.__file__).parent / "translations" / "de" / "LC_MESSAGES" / "admin.po"
    with source.open("rb") as fh:
        catalog = read_po(fh, locale="de")
    catalog.fuzzy = False
    with (PO.parent / "admin.mo").open("wb") as fh:
        write_mo(fh, catalog)


if __name__ == "__main__":
    sys.exit(main())
