"""The inbox and archive folders of the scheduled sync: which files wait, in which order, where they go."""
from __future__ import annotations

import hashlib
import os
import shutil
from datetime import date, datetime
from pathlib import Path

from caseapp.sources.operations import as_of_from_name

# Files still being written by the sender, or not meant for us.
_IGNORED_SUFFIXES = (".part", ".tmp", ".partial", ".sha256")


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pending_files(root: Path, code: str) -> list[Path]:
    """Files in <inbox>/<source>/, ordered by their as-of date (from the name, else the file's date)."""
    folder = Path(root) / code
    if not folder.is_dir():
        return []
    files = [p for p in folder.iterdir()
             if p.is_file() and not p.name.startswith(".") and not p.name.endswith(_IGNORED_SUFFIXES)]

    def order(p: Path) -> tuple[date, str]:
        return as_of_from_name(p.name) or datetime.fromtimestamp(p.stat().st_mtime).date(), p.name

    return sorted(files, key=order)


def archive_target(root: Path, code: str, digest: str, name: str, *, rejected: bool = False) -> Path:
    folder = Path(root) / code / ("abgewiesen" if rejected else "")
    return folder / f"{digest[:16]}_{name}"


def archive(path: Path, root: Path, code: str, digest: str, *, rejected: bool = False) -> Path:
    """Move the file into the archive under its checksum, with a .sha256 file beside it."""
    target = archive_target(root, code, digest, path.name, rejected=rejected)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(path), str(target))
    Path(str(target) + ".sha256").write_text(f"{digest}  {path.name}\n")
    os.chmod(target, 0o600)
    return target
