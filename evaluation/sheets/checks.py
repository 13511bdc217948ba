"""The checks the sheets commands share: fields of their data, the signer, the audiences.

A check raises before anything is written, so a refused command changes nothing
(issue 11, "Bad input").
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from cryptography import x509

from accounts.keys import queries as keys
from evaluation.errors import EvaluationCommandInvalid
from evaluation.guards import field
from evaluation.handlers import Ctx
from evaluation.model import Member, SheetPhase, sheet_phases
from evaluation.sheets.errors import SheetContextMismatch, SheetSignerMismatch
from evaluation.sheets.queries import SheetRow
from evaluation.signing_keys import require_allowed_key
from live.model import Emit
from signing.certs import cert_sha256
from signing.sheets import Sheet, b64url_decode, b64url_encode

# Audiences (docs/formats/evaluation-session.md §6): revealed contents go to the panel —
# the committee and centre staff and supervisors alike, one event both see; everyone
# admitted sees only that something happened.
EVERYONE = "all"
PANEL = "role:panel"
_ITEM_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.")


def panel(kind: str, data: Mapping[str, Any]) -> list[Emit]:
    """One event for the committee and staff (sealed from everyone else)."""
    return [Emit(kind=kind, data=data, audience=PANEL)]


def sheet_phase(ctx: Ctx) -> SheetPhase:
    """``data.phase``: a sheet phase of this lot's method."""
    value = field(ctx.data, "phase", str)
    allowed = sheet_phases(ctx.state.method.method)
    if value not in allowed:
        raise EvaluationCommandInvalid(
            f"'phase' must be one of {', '.join(allowed)}",
            details={"field": "phase", "allowed": [str(p) for p in allowed]},
        )
    return SheetPhase(value)


def binary(ctx: Ctx, name: str, *, size: int | None = None, limit: int) -> bytes:
    """A base64url (no padding) field of the data (sheet_encoding_invalid, sheet_too_large)."""
    return b64url_decode(field(ctx.data, name, str), field=name, size=size, limit=limit)


def bid_field(data: Mapping[str, Any], name: str = "bid") -> UUID:
    """A bid id: a UUID in lowercase hyphenated form."""
    value = field(data, name, str)
    try:
        parsed = UUID(value)
    except ValueError:
        parsed = None
    if parsed is None or str(parsed) != value:
        raise EvaluationCommandInvalid(f"'{name}' must be a bid id (UUID)", details={"field": name})
    return parsed


def item_field(data: Mapping[str, Any], name: str = "item") -> str:
    """An item id (1–64 of A-Z a-z 0-9 _ - .)."""
    value = field(data, name, str)
    if not 1 <= len(value) <= 64 or not set(value) <= _ITEM_CHARS:
        raise EvaluationCommandInvalid(f"'{name}' must be an item id", details={"field": name})
    return str(value)


async def require_current_certificate(ctx: Ctx, member: Member, signer: x509.Certificate) -> str:
    """The signer is the member's current registered certificate; its SHA-256 (hex).

    DESIGN.md, "Signatures": a member signs with the certificate registered on the
    platform; another member's certificate (or a retired one) signs nothing here.
    """
    digest = cert_sha256(signer)
    registered = await keys.certificates(ctx.conn, member.user_id)
    current = [c.cert_sha256 for c in registered if c.retired_at is None]
    if digest not in current:
        raise SheetSignerMismatch(
            "the sheet is not signed with this member's registered certificate",
            details={"seat": member.seat},
        )
    await require_allowed_key(ctx, digest)  # the tender's signing_keys (issue 12)
    return digest


def announce(row: SheetRow) -> dict[str, object]:
    """What everyone may know of a version: whose, which, and its commitment."""
    # Hashes are lowercase hex, as sha256sum prints them (docs/formats/signatures.md §1).
    return {
        "phase": row.phase,
        "seat": row.seat,
        "version": row.version,
        "commitment": row.commitment.hex(),
    }


def check_place(ctx: Ctx, sheet: Sheet, phase: SheetPhase, member: Member, version: int) -> None:
    """The sheet names this session, phase, seat, generation and version (no replay
    of another member's, phase's or session's sheet)."""
    expected = {
        "session": (sheet.session, ctx.state.id),
        "phase": (sheet.phase, str(phase)),
        "seat": (sheet.seat, member.seat),
        "generation": (sheet.generation, member.generation),
        "version": (sheet.version, version),
    }
    for name, (found, wanted) in expected.items():
        if found != wanted:
            raise SheetContextMismatch(
                f"the sheet's {name} is {found}, not {wanted}",
                details={"field": name, "found": str(found), "expected": str(wanted)},
            )


def opened(row: SheetRow, data: bytes) -> dict[str, object]:
    """A revealed or revised version, for the committee and staff: the sheet JSON (its
    canonical encoding is the signed bytes), its signature and its reasons."""
    return {
        "phase": row.phase,
        "seat": row.seat,
        "version": row.version,
        "commitment": row.commitment.hex(),
        "sheet": json.loads(data),
        "signature": b64url_encode(row.signature),
        "reasons": row.reasons,
    }
