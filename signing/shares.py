"""The share stanza ``etender-share-v1``: one official's Shamir share of a part's file key.

    -> etender-share-v1 <x> <k> <n> <salt> <commitment> <ephemeral share>
    <ChaCha20-Poly1305(wrap key, 12 zero bytes, share), base64>

Wrapped like age's X25519 stanza, but the HKDF info binds the committee fingerprint,
x and the part label, so a share unwrapped for one tender or part is useless for any
other (DESIGN.md, "Sealed bid"). Everything in the stanza — Shamir coefficients,
ephemeral secret, commitment salt — is derived from the file key, so whoever learns
the file key can rebuild every stanza byte for byte and settle a dispute without
trusting the official (DESIGN.md, "Opening"; docs/formats/sealed-bid.md, "Disputes").
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from signing import shamir
from signing.age import (
    ZERO_NONCE,
    Header,
    Stanza,
    X25519Identity,
    X25519Recipient,
    b64decode,
    b64encode,
    check_file_key,
    hkdf_sha256,
    x25519,
    x25519_base,
)
from signing.errors import (
    AgeHeaderMalformed,
    ShamirParametersInvalid,
    ShamirShareInvalid,
    ShareCommitmentMismatch,
    ShareContextMismatch,
    ShareDisputeNeedsFileKey,
    ShareNotDisputed,
    ShareStanzaMalformed,
)

SHARE_TYPE = "etender-share-v1"
LABEL_COEFFICIENTS = b"etender-share-v1/coefficients"
LABEL_EPHEMERAL = b"etender-share-v1/ephemeral"
LABEL_SALT = b"etender-share-v1/salt"
LABEL_COMMITMENT = b"etender-share-v1/commitment"
LABEL_WRAP = b"etender-share-v1/wrap"
SHARE_SIZE = 16
SALT_SIZE = 16
PART_LABEL = re.compile(r"[a-z][a-z0-9_-]{0,31}")
_DECIMAL = re.compile(r"[1-9][0-9]{0,2}")


class Verdict(enum.StrEnum):
    """Who is at fault when a released share does not match its commitment."""

    BIDDER_FAULT = "bidder_fault"
    OFFICIAL_FAULT = "official_fault"


def check_part_label(part: str) -> str:
    """Refuse part labels outside ``[a-z][a-z0-9_-]{0,31}``."""
    if not PART_LABEL.fullmatch(part):
        raise ShamirParametersInvalid(f"part label {part!r} is not [a-z][a-z0-9_-]{{0,31}}")
    return part


def _context(label: bytes, fingerprint: bytes, part: str, x: int | None = None) -> bytes:
    """label || 0x00 || fingerprint (32) || [x (1)] || part (ASCII): unambiguous info."""
    if len(fingerprint) != 32:
        raise ValueError("a committee fingerprint is 32 bytes")
    middle = b"" if x is None else bytes([x])
    return label + b"\x00" + fingerprint + middle + check_part_label(part).encode("ascii")


@dataclass(frozen=True, kw_only=True, slots=True)
class ShareStanza:
    """A parsed ``etender-share-v1`` stanza."""

    x: int
    k: int
    n: int
    salt: bytes
    commitment: bytes
    ephemeral: bytes
    # The committee fingerprint in the clear (it is public: logged at publication), so
    # the server can refuse at upload a part sealed to another committee or to a
    # deadline that has since moved, before anyone relies on it.
    fingerprint: bytes
    body: bytes

    @classmethod
    def parse(cls, stanza: Stanza) -> ShareStanza:
        """Strictly parse a generic stanza of type ``etender-share-v1``."""
        if stanza.type != SHARE_TYPE or len(stanza.args) != 8:
            raise ShareStanzaMalformed("a share stanza has its type and 7 arguments")
        numbers = stanza.args[1:4]
        if not all(_DECIMAL.fullmatch(a) for a in numbers):
            raise ShareStanzaMalformed("x, k and n are decimals without leading zeros")
        x, k, n = (int(a) for a in numbers)
        try:
            shamir.check_parameters(k, n)
            salt, commitment, ephemeral, fingerprint = (b64decode(a) for a in stanza.args[4:8])
        except (ShamirParametersInvalid, AgeHeaderMalformed) as exc:
            raise ShareStanzaMalformed(f"share stanza arguments: {exc.message}") from exc
        sizes = (len(salt), len(commitment), len(ephemeral), len(fingerprint), len(stanza.body))
        if not 1 <= x <= n or sizes != (SALT_SIZE, 32, 32, 32, SHARE_SIZE + 16):
            raise ShareStanzaMalformed("share stanza x out of range or wrong field sizes")
        return cls(
            x=x,
            k=k,
            n=n,
            salt=salt,
            commitment=commitment,
            ephemeral=ephemeral,
            fingerprint=fingerprint,
            body=stanza.body,
        )

    def to_stanza(self) -> Stanza:
        """The generic stanza, ready for the header."""
        args = (
            SHARE_TYPE,
            str(self.x),
            str(self.k),
            str(self.n),
            b64encode(self.salt),
            b64encode(self.commitment),
            b64encode(self.ephemeral),
            b64encode(self.fingerprint),
        )
        return Stanza(args=args, body=self.body)


def commitment(fingerprint: bytes, part: str, x: int, salt: bytes, share: bytes) -> bytes:
    """SHA-256(label || 0x00 || fingerprint || x || salt || share || part)."""
    context = _context(LABEL_COMMITMENT, fingerprint, part, x)
    split_at = len(LABEL_COMMITMENT) + 1 + 32 + 1
    return hashlib.sha256(context[:split_at] + salt + share + context[split_at:]).digest()


def _wrap_key(shared: bytes, ephemeral: bytes, recipient: bytes, info: bytes) -> bytes:
    return hkdf_sha256(shared, ephemeral + recipient, info)


def _derive(
    file_key: bytes, label: bytes, fingerprint: bytes, part: str, x: int, size: int
) -> bytes:
    return hkdf_sha256(file_key, b"", _context(label, fingerprint, part, x), size)


def derive_share_stanzas(
    file_key: bytes,
    *,
    fingerprint: bytes,
    part: str,
    k: int,
    recipients: Sequence[X25519Recipient],
) -> tuple[Stanza, ...]:
    """One share stanza per recipient (x = 1…n in order), all derived from ``file_key``."""
    n = len(recipients)
    info = _context(LABEL_COEFFICIENTS, fingerprint, part)
    shares = shamir.split(
        file_key, k, n, randbytes=lambda size: hkdf_sha256(file_key, b"", info, size)
    )
    return tuple(
        _wrap_share(file_key, fingerprint, part, (k, n), share, recipient).to_stanza()
        for share, recipient in zip(shares, recipients, strict=True)
    )


def _wrap_share(
    file_key: bytes,
    fingerprint: bytes,
    part: str,
    threshold: tuple[int, int],
    share: shamir.Share,
    recipient: X25519Recipient,
) -> ShareStanza:
    x = share.x
    ephemeral_secret = _derive(file_key, LABEL_EPHEMERAL, fingerprint, part, x, 32)
    salt = _derive(file_key, LABEL_SALT, fingerprint, part, x, SALT_SIZE)
    ephemeral = x25519_base(ephemeral_secret)
    shared = x25519(ephemeral_secret, recipient.public)
    key = _wrap_key(shared, ephemeral, recipient.public, _context(LABEL_WRAP, fingerprint, part, x))
    return ShareStanza(
        x=x,
        k=threshold[0],
        n=threshold[1],
        salt=salt,
        commitment=commitment(fingerprint, part, x, salt, share.value),
        ephemeral=ephemeral,
        fingerprint=fingerprint,
        body=ChaCha20Poly1305(key).encrypt(ZERO_NONCE, share.value, None),
    )


def reveal_shared_secret(identity: X25519Identity, stanza: Stanza) -> bytes:
    """X25519(official identity, ephemeral share): what an official reveals in a dispute."""
    parsed = ShareStanza.parse(stanza)
    shared = x25519(identity.secret, parsed.ephemeral)
    if shared == bytes(32):
        raise ShareStanzaMalformed("the stanza's ephemeral share is a low-order point")
    return shared


def _open_body(
    parsed: ShareStanza, shared: bytes, recipient: bytes, fingerprint: bytes, part: str
) -> bytes | None:
    info = _context(LABEL_WRAP, fingerprint, part, parsed.x)
    key = _wrap_key(shared, parsed.ephemeral, recipient, info)
    try:
        return ChaCha20Poly1305(key).decrypt(ZERO_NONCE, parsed.body, None)
    except InvalidTag:
        return None


def unwrap_share(
    identity: X25519Identity, stanza: Stanza, fingerprint: bytes, part: str
) -> shamir.Share:
    """The official's share, checked against the stanza's commitment."""
    parsed = ShareStanza.parse(stanza)
    shared = reveal_shared_secret(identity, stanza)
    value = _open_body(parsed, shared, identity.recipient().public, fingerprint, part)
    if value is None:
        raise ShareContextMismatch(
            f"share x={parsed.x} does not open with this identity, committee and part"
        )
    share = shamir.Share(x=parsed.x, value=value)
    verify_commitment(stanza, share, fingerprint, part)
    return share


def verify_commitment(stanza: Stanza, share: shamir.Share, fingerprint: bytes, part: str) -> None:
    """Refuse a released share that does not match its stanza's commitment."""
    parsed = ShareStanza.parse(stanza)
    if share.x != parsed.x or len(share.value) != SHARE_SIZE:
        raise ShamirShareInvalid(f"a share for x={parsed.x} must be 16 bytes with that x")
    expected = commitment(fingerprint, part, parsed.x, parsed.salt, share.value)
    if not hmac.compare_digest(expected, parsed.commitment):
        raise ShareCommitmentMismatch(f"share x={parsed.x} does not match its commitment")


def _require_dispute(stanza: Stanza, released: shamir.Share, fingerprint: bytes, part: str) -> None:
    try:
        verify_commitment(stanza, released, fingerprint, part)
    except ShareCommitmentMismatch:
        return
    raise ShareNotDisputed("the released share matches its commitment: nothing to decide")


def adjudicate(
    stanza: Stanza,
    revealed_secret: bytes,
    released_share: shamir.Share,
    fingerprint: bytes,
    part: str,
    *,
    recipient: X25519Recipient,
) -> Verdict:
    """Decide a dispute from the shared secret the official reveals.

    Decisive when the revealed secret opens the body (AEAD authenticates only under
    the real key). When it does not, the official may be lying about the secret, so
    this raises ShareDisputeNeedsFileKey: settle with ``adjudicate_with_file_key``.
    """
    _require_dispute(stanza, released_share, fingerprint, part)
    parsed = ShareStanza.parse(stanza)
    if x25519(b"\x01" * 32, parsed.ephemeral) == bytes(32):
        # A low-order ephemeral share (any scalar gives zero): no honest derivation
        # produces one, and anyone can check it without a secret.
        return Verdict.BIDDER_FAULT
    value = _open_body(parsed, revealed_secret, recipient.public, fingerprint, part)
    if value is None:
        raise ShareDisputeNeedsFileKey(
            f"the revealed secret does not open share x={parsed.x}: the file key must decide"
        )
    if not hmac.compare_digest(
        commitment(fingerprint, part, parsed.x, parsed.salt, value), parsed.commitment
    ):
        return Verdict.BIDDER_FAULT  # the bidder wrapped something other than it committed
    return Verdict.OFFICIAL_FAULT  # the body holds the committed share; the official lied


def adjudicate_with_file_key(
    header: Header,
    file_key: bytes,
    released_share: shamir.Share,
    fingerprint: bytes,
    part: str,
    *,
    recipients: Sequence[X25519Recipient],
) -> Verdict:
    """Decide a dispute by rebuilding the stanza byte for byte from the file key.

    ``file_key`` comes from self-decryption or from the other officials' shares and is
    checked against the header MAC here. ``recipients`` are the committee's, x = 1…n.
    """
    check_file_key(header, file_key)
    stanza = find_share_stanza(header, released_share.x)
    _require_dispute(stanza, released_share, fingerprint, part)
    parsed = ShareStanza.parse(stanza)
    if parsed.n != len(recipients):
        return Verdict.BIDDER_FAULT  # sealed for another committee size
    expected = derive_share_stanzas(
        file_key, fingerprint=fingerprint, part=part, k=parsed.k, recipients=recipients
    )[parsed.x - 1]
    if expected != stanza:
        return Verdict.BIDDER_FAULT  # the bidder did not derive the stanza as required
    return Verdict.OFFICIAL_FAULT  # the stanza is honest, so the official's share is not


def find_share_stanza(header: Header, x: int) -> Stanza:
    """The one share stanza for official x in ``header``."""
    found = [s for s in header.stanzas_of_type(SHARE_TYPE) if ShareStanza.parse(s).x == x]
    if len(found) != 1:
        raise ShareStanzaMalformed(f"the header has {len(found)} share stanzas for x={x}")
    return found[0]
