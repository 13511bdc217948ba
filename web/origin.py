"""Web origins (RFC 6454), shared by the upload workers' CORS and the bidder's lot page
CSP (docs/formats/upload.md §2.2) — apart from both, since the page module must not
import the worker's application (which imports the site's middleware)."""

from __future__ import annotations

from urllib.parse import urlsplit


def origin_of(url: str) -> str:
    """The web origin of a URL (RFC 6454 §4: scheme, host and port as written)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
