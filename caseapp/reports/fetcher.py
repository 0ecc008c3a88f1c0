"""A WeasyPrint URL fetcher that serves only the project's own report files: no network, no other files."""
from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_DIR = (Path(__file__).resolve().parent / "static").resolve()

log = logging.getLogger(__name__)


class RefusedURL(ValueError):
    """A report tried to load something from outside the project's static report files."""


class SafeURLFetcher(URLFetcher):
    """Answers file:// URLs below STATIC_DIR and inline data: URLs; refuses everything else.

    WeasyPrint turns a refusal into a warning and leaves the resource out, so a hostile value that
    slipped into a template (an <img src="http://...">) can neither phone home nor read local files.
    Refused URLs are kept in `refused` so callers and tests can see what was blocked.
    """

    def __init__(self, root: Path = STATIC_DIR):
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
        self.root = Path(root).resolve()
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = self._local_path(url)
            if path is not None:
                mime, _ = mimetypes.guess_type(path.name)
                return URLFetcherResponse(
                    path.as_uri(), path.read_bytes(), {"Content-Type": mime or "application/octet-stream"}
                )
        self.refused.append(url)
        log.warning("report fetcher refused %s", url[:200])
        raise RefusedURL(f"Adresse außerhalb der Berichtsdateien abgelehnt: {url[:200]}")

    def _local_path(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return None
        # resolve() follows symlinks and '..', so the containment check sees the real target.
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            return None
        return path
