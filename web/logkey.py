"""The platform's checkpoint-signing key: created at first start in the data dir, mode 0600."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from audit.service import LogIdentity
from signing.log.checkpoint import generate_private_key
from signing.log.note import Ed25519Signer
from tender.keyfiles import creating, write_new
from web.settings import Settings

KEY_FILE = Path("keys") / "log.skey"


def default_origin(settings: Settings) -> str:
    """The log's origin line: the public host, then ``/log`` (C2SP tlog-checkpoint)."""
    host = urlsplit(settings.public_url).netloc or "etender.localhost"
    return f"{host}/log"


def load_or_create(settings: Settings) -> LogIdentity:
    """Read the signer key, creating it (and its origin, fixed for life) on first start."""
    path = settings.key_root / KEY_FILE  # the shared keys dir if given (web/keysource.py)
    if not path.exists():  # locked only to create: an operator's keys dir may be read-only
        with creating(path.parent):  # the site and its upload workers start together
            if not path.exists():
                signer = Ed25519Signer(
                    name=default_origin(settings), private_key=generate_private_key()
                )
                write_new(path, (signer.to_skey() + "\n").encode("ascii"))
    signer = Ed25519Signer.from_skey(path.read_text(encoding="ascii").strip())
    return LogIdentity(origin=signer.name, signer=signer)
