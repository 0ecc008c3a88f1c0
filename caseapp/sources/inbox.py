"""The inbox and archive folders of the scheduled sync: which files wait, in which order, where they go."""
from __future__ import annotations

import hashlib
import os
import shutil
import stat
from datetime import date, datetime
from pathlib import Path

from caseapp.sources.operations import as_of_from_name

# Files still being written by the sender, or not meant for us.
_IGNORED_SUFFIXES = (".part", ".tmp", ".partial", ".sha256")


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class NotADelivery(Exception):
    """The inbox entry is no regular file of its own (e.g. a symbolic link); German message."""


def is_regular(path: Path) -> bool:
    """A regular file itself, not a symbolic link to one: lstat never follows the link."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def pending_files(root: Path, code: str) -> list[Path]:
    """Regular files in <inbox>/<source>/, ordered by their as-of date (from the name, else the file's
    date). Symbolic links are never followed: one could point a sync at any file the worker can read."""
    folder = Path(root) / code
    if not folder.is_dir() or folder.is_symlink():
        return []
    files = [p for p in folder.iterdir()
             if not p.name.startswith(".") and not p.name.endswith(_IGNORED_SUFFIXES) and is_regular(p)]

    def order(p: Path) -> tuple[date, str]:
        return as_of_from_name(p.name) or datetime.fromtimestamp(os.lstat(p).st_mtime).date(), p.name

    return sorted(files, key=order)


def read_delivery(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, opened without following a symbolic link; NotADelivery when it is none, or
    when it is larger than `max_bytes` (checked on the open file before anything is read)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        raise NotADelivery(f"{path.name} ist keine reguläre Datei (symbolische Verknüpfung?) und wird "
                           "nicht gelesen.") from None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise NotADelivery(f"{path.name} ist keine reguläre Datei und wird nicht gelesen.")
        if info.st_size > max_bytes:
            raise NotADelivery(too_large(info.st_size, max_bytes))
        return fh.read(max_bytes + 1)


def checksum_of(path: Path) -> str:
    """sha256 of a (large) regular file, read in blocks without following a link."""
    digest = hashlib.sha256()
    with os.fdopen(os.open(path, os.O_RDONLY | os.O_NOFOLLOW), "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def too_large(size: int, max_bytes: int) -> str:
    return (f"Die Datei ist {size / 1e6:.1f} MB groß; erlaubt sind höchstens {max_bytes / 1e6:.1f} MB "
            "(CASEAPP_SYNC_MAX_BYTES). Bitte die Lieferung prüfen.")


def archive_target(root: Path, code: str, digest: str, name: str, *, rejected: bool = False) -> Path:
    folder = Path(root) / code / ("abgewiesen" if rejected else "")
    return folder / f"{digest[:16]}_{name}"


def archive(path: Path, root: Path, code: str, digest: str, *, rejected: bool = False) -> Path:
    """Move the file into the archive under its checksum, with a .sha256 file beside it."""
    target = archive_target(root, code, digest, path.name, rejected=rejected)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(path), str(target))
    Path(str(target) + ".sha256").write_text(f"{digest}  {path.name}\n")
    # fchmod on the file opened without following links: a link's target is never touched.
    fd = os.open(target, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
    return target
