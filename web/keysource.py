"""Where the platform's keys and trust store come from: one set for every node.

Issue 17, item 7. The log's checkpoint key (web/logkey.py), the receipt and opening
identity (tender/submission/receipts.py), the identity-card matching key
(web/services.py) and the trust store (tender/trust.py) are one platform's, whatever
node serves a request: two nodes with two log keys would sign two logs, and a receipt
from one node would not verify with the other's root.

They are read from ``Settings.key_root``: the operator-given ``ETENDER_KEYS_DIR`` when
set — the same directory (a copy) on every node, read and never created here, so a
node missing a key refuses to start instead of making its own — else the data dir,
where a single node creates them at first start as before. docs/deployment.md, "Keys",
says why files given by the operator and not rows of the database: the private keys
stay out of every base backup, WAL archive and replica of the database, and a role
that can read the database cannot sign as the platform.

A node also refuses to start when its log key or identity-card key is not the one the
database has seen (migration 0099): the mistake of a second node started without the
shared directory is caught at its start, before it signs anything.
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import asyncpg

from audit.service import LogIdentity
from web.errors import SettingsInvalid
from web.settings import Settings

# What a node needs in ETENDER_KEYS_DIR (relative paths; trust/ may hold no root yet).
REQUIRED = (
    Path("keys") / "log.skey",
    Path("keys") / "receipts" / "receipt.pem",
    Path("keys") / "receipts" / "receipt.key",
    Path("keys") / "id_card.key",
)

PIN = """
INSERT INTO platform_keys (name, fingerprint) VALUES ($1, $2)
ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name
RETURNING fingerprint
"""


def require_shared(settings: Settings) -> None:
    """Refuse to start when the operator-given keys dir lacks a key (never create one)."""
    if settings.keys_dir is None:
        return
    missing = [str(name) for name in REQUIRED if not (settings.keys_dir / name).is_file()]
    if missing:
        raise SettingsInvalid(
            f"ETENDER_KEYS_DIR {settings.keys_dir} lacks {', '.join(missing)}: every node "
            "reads the platform's keys from there and never makes its own "
            "(docs/deployment.md, 'Keys'; scripts/ops/init-keys makes them once)"
        )


def fingerprints(log: LogIdentity, id_card_key: bytes) -> dict[str, str]:
    """Public fingerprints of the keys every node must share (no secret in them)."""
    return {
        "log": hashlib.sha256(log.signer.verifier().to_vkey().encode()).hexdigest(),
        # A keyed hash of a fixed label: equal keys give equal values, none is revealed.
        "id_card": hmac.new(id_card_key, b"etender id_card key check", "sha256").hexdigest(),
    }


async def pin(conn: asyncpg.Connection, found: dict[str, str]) -> None:
    """Record this platform's key fingerprints once; refuse a node whose keys differ."""
    for name, fingerprint in found.items():  # the log key first: the worse divergence
        recorded = await conn.fetchval(PIN, name, fingerprint)
        if recorded != fingerprint:
            raise SettingsInvalid(
                f"this node's {name} key is not the platform's (the database has seen "
                "another): give every node the same ETENDER_KEYS_DIR (docs/deployment.md)"
            )
