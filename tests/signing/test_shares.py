"""The etender-share-v1 stanza: wrapping, context binding, commitments and disputes.

``_independent_stanza`` rebuilds a stanza from the primitives and the labels written in
docs/formats/sealed-bid.md, so the format is checked against its description.
"""

from __future__ import annotations

import base64
import hashlib
import os

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from hypothesis import given, settings
from hypothesis import strategies as st

from signing import age, shamir, shares
from signing.errors import (
    AgeFileKeyInvalid,
    ShamirParametersInvalid,
    ShareCommitmentMismatch,
    ShareContextMismatch,
    ShareDisputeNeedsFileKey,
    ShareNotDisputed,
    ShareStanzaMalformed,
)

K, N = 3, 5
FINGERPRINT = hashlib.sha256(b"committee A").digest()
OTHER_FINGERPRINT = hashlib.sha256(b"committee B").digest()


def _hkdf(ikm: bytes, salt: bytes, info: bytes, length: int = 32) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


def _info(label: str, fingerprint: bytes, part: str, x: int | None = None) -> bytes:
    middle = b"" if x is None else bytes([x])
    return b"etender-share-v1/" + label.encode() + b"\x00" + fingerprint + middle + part.encode()


def _independent_stanza(
    *,
    value: bytes,
    x: int,
    recipient: bytes,
    ephemeral_secret: bytes,
    salt: bytes,
    committed: bytes,
    fingerprint: bytes = FINGERPRINT,
    part: str = "main",
) -> age.Stanza:
    """A share stanza built from the documented construction, wrapping ``value``."""
    ephemeral = X25519PrivateKey.from_private_bytes(ephemeral_secret)
    share_point = ephemeral.public_key().public_bytes_raw()
    secret = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient))
    key = _hkdf(secret, share_point + recipient, _info("wrap", fingerprint, part, x))
    body = ChaCha20Poly1305(key).encrypt(bytes(12), value, None)
    head = b"etender-share-v1/commitment\x00" + fingerprint + bytes([x])
    commitment = hashlib.sha256(head + salt + committed + part.encode()).digest()
    args = ("etender-share-v1", str(x), str(K), str(N), _b64(salt), _b64(commitment))
    return age.Stanza(args=(*args, _b64(share_point), _b64(fingerprint)), body=body)


@pytest.fixture(scope="module")
def officials() -> tuple[age.X25519Identity, ...]:
    """Five officials' age identities."""
    return tuple(age.X25519Identity.generate() for _ in range(N))


@pytest.fixture(scope="module")
def recipients(officials: tuple[age.X25519Identity, ...]) -> tuple[age.X25519Recipient, ...]:
    """Their recipients, x = 1…5."""
    return tuple(o.recipient() for o in officials)


def _stanzas(
    recipients: tuple[age.X25519Recipient, ...], file_key: bytes, part: str = "main"
) -> tuple[age.Stanza, ...]:
    return shares.derive_share_stanzas(
        file_key, fingerprint=FINGERPRINT, part=part, k=K, recipients=recipients
    )


def test_stanza_matches_the_documented_construction(
    recipients: tuple[age.X25519Recipient, ...],
) -> None:
    """Every stanza equals, byte for byte, one built from the format document alone."""
    file_key = os.urandom(16)
    coefficients = _hkdf(file_key, b"", _info("coefficients", FINGERPRINT, "main"), 16 * (K - 1))
    values = shamir.split(file_key, K, N, randbytes=lambda size: coefficients[:size])
    for stanza, share, recipient in zip(
        _stanzas(recipients, file_key), values, recipients, strict=True
    ):
        x = share.x
        expected = _independent_stanza(
            value=share.value,
            x=x,
            recipient=recipient.public,
            ephemeral_secret=_hkdf(file_key, b"", _info("ephemeral", FINGERPRINT, "main", x)),
            salt=_hkdf(file_key, b"", _info("salt", FINGERPRINT, "main", x), 16),
            committed=share.value,
        )
        assert stanza.encode() == expected.encode()


def test_officials_unwrap_shares_that_rebuild_the_file_key(
    officials: tuple[age.X25519Identity, ...], recipients: tuple[age.X25519Recipient, ...]
) -> None:
    """Each official unwraps its own share; any k of them give the file key."""
    file_key = os.urandom(16)
    stanzas = _stanzas(recipients, file_key)
    released = [
        shares.unwrap_share(o, s, FINGERPRINT, "main")
        for o, s in zip(officials, stanzas, strict=True)
    ]
    assert [s.x for s in released] == [1, 2, 3, 4, 5]
    assert shamir.combine(released[2:], K) == file_key


@pytest.mark.parametrize(
    ("fingerprint", "part"), [(OTHER_FINGERPRINT, "main"), (FINGERPRINT, "commercial")]
)
def test_share_unwrapped_for_another_committee_or_part_fails(
    officials: tuple[age.X25519Identity, ...],
    recipients: tuple[age.X25519Recipient, ...],
    fingerprint: bytes,
    part: str,
) -> None:
    """The HKDF label binds fingerprint and part: elsewhere the stanza does not open."""
    stanza = _stanzas(recipients, os.urandom(16))[0]
    with pytest.raises(ShareContextMismatch) as info:
        shares.unwrap_share(officials[0], stanza, fingerprint, part)
    assert info.value.code == "share_context_mismatch"


def test_another_officials_stanza_does_not_open(
    officials: tuple[age.X25519Identity, ...], recipients: tuple[age.X25519Recipient, ...]
) -> None:
    """Official 1 cannot unwrap official 2's share."""
    stanza = _stanzas(recipients, os.urandom(16))[1]
    with pytest.raises(ShareContextMismatch):
        shares.unwrap_share(officials[0], stanza, FINGERPRINT, "main")


def test_stanzas_are_a_function_of_the_file_key(
    recipients: tuple[age.X25519Recipient, ...],
) -> None:
    """Same key, same stanzas (the dispute rule needs it); another key, other stanzas."""
    file_key = os.urandom(16)
    assert _stanzas(recipients, file_key) == _stanzas(recipients, file_key)
    assert set(_stanzas(recipients, file_key)).isdisjoint(_stanzas(recipients, os.urandom(16)))
    ephemerals = {s.args[6] for s in _stanzas(recipients, file_key)}
    assert len(ephemerals) == N  # one ephemeral per stanza (c2sp.org/age)


@settings(max_examples=30, deadline=None)
@given(delta=st.binary(min_size=16, max_size=16).filter(any))
def test_released_share_other_than_committed_is_detected(delta: bytes) -> None:
    """Any change to a share is caught by its commitment."""
    official = age.X25519Identity.generate()
    file_key = os.urandom(16)
    recipients = (
        official.recipient(),
        *(age.X25519Identity.generate().recipient() for _ in "1234"),
    )
    stanza = _stanzas(recipients, file_key)[0]
    share = shares.unwrap_share(official, stanza, FINGERPRINT, "main")
    shares.verify_commitment(stanza, share, FINGERPRINT, "main")
    lied = shamir.Share(x=1, value=bytes(a ^ b for a, b in zip(share.value, delta, strict=True)))
    with pytest.raises(ShareCommitmentMismatch) as info:
        shares.verify_commitment(stanza, lied, FINGERPRINT, "main")
    assert info.value.code == "share_commitment_mismatch"


# --- disputes (DESIGN.md, "Opening") ---


def _bidder_cheats(
    official: age.X25519Identity, file_key: bytes, *, x: int = 1
) -> tuple[age.Stanza, shamir.Share]:
    """A stanza whose body wraps a value other than the committed share."""
    committed = shamir.split(file_key, K, N)[x - 1]
    stanza = _independent_stanza(
        value=os.urandom(16),
        x=x,
        recipient=official.recipient().public,
        ephemeral_secret=os.urandom(32),
        salt=os.urandom(16),
        committed=committed.value,
    )
    return stanza, committed


def test_official_that_lies_about_its_share_is_at_fault(
    officials: tuple[age.X25519Identity, ...], recipients: tuple[age.X25519Recipient, ...]
) -> None:
    """Honest stanza, wrong released share, true secret revealed: the official lied."""
    stanza = _stanzas(recipients, os.urandom(16))[1]
    lie = shamir.Share(x=2, value=os.urandom(16))
    secret = shares.reveal_shared_secret(officials[1], stanza)
    verdict = shares.adjudicate(stanza, secret, lie, FINGERPRINT, "main", recipient=recipients[1])
    assert verdict is shares.Verdict.OFFICIAL_FAULT


def test_bidder_that_wrapped_other_than_it_committed_is_at_fault(
    officials: tuple[age.X25519Identity, ...],
) -> None:
    """The revealed secret opens the body, and the body is not the committed share."""
    stanza, _ = _bidder_cheats(officials[0], os.urandom(16))
    with pytest.raises(ShareCommitmentMismatch):
        shares.unwrap_share(officials[0], stanza, FINGERPRINT, "main")
    secret = shares.reveal_shared_secret(officials[0], stanza)
    opened = shamir.Share(x=1, value=_open_body(stanza, secret, officials[0]))
    verdict = shares.adjudicate(
        stanza, secret, opened, FINGERPRINT, "main", recipient=officials[0].recipient()
    )
    assert verdict is shares.Verdict.BIDDER_FAULT


def _open_body(stanza: age.Stanza, secret: bytes, official: age.X25519Identity) -> bytes:
    parsed = shares.ShareStanza.parse(stanza)
    key = _hkdf(
        secret,
        parsed.ephemeral + official.recipient().public,
        _info("wrap", FINGERPRINT, "main", 1),
    )
    return ChaCha20Poly1305(key).decrypt(bytes(12), parsed.body, None)


def test_official_revealing_a_wrong_secret_cannot_blame_the_bidder(
    officials: tuple[age.X25519Identity, ...], recipients: tuple[age.X25519Recipient, ...]
) -> None:
    """The closed hole: a bogus secret makes the body fail, which no longer blames anyone."""
    file_key = os.urandom(16)
    stanza = _stanzas(recipients, file_key)[2]
    lie = shamir.Share(x=3, value=os.urandom(16))
    with pytest.raises(ShareDisputeNeedsFileKey) as info:
        shares.adjudicate(stanza, os.urandom(32), lie, FINGERPRINT, "main", recipient=recipients[2])
    assert info.value.code == "share_dispute_needs_file_key"
    header = age.parse_header(age.build_header(_stanzas(recipients, file_key), file_key))
    verdict = shares.adjudicate_with_file_key(
        header, file_key, lie, FINGERPRINT, "main", recipients=recipients
    )
    assert verdict is shares.Verdict.OFFICIAL_FAULT


def test_file_key_settles_a_bidder_that_did_not_derive_its_stanza(
    officials: tuple[age.X25519Identity, ...], recipients: tuple[age.X25519Recipient, ...]
) -> None:
    """A stanza that differs from the derivation is the bidder's fault, whatever is revealed."""
    file_key = os.urandom(16)
    cheat, committed = _bidder_cheats(officials[0], file_key)
    honest = _stanzas(recipients, file_key)
    header = age.parse_header(age.build_header((cheat, *honest[1:]), file_key))
    official_release = shamir.Share(x=1, value=os.urandom(16))  # what the body really held
    verdict = shares.adjudicate_with_file_key(
        header, file_key, official_release, FINGERPRINT, "main", recipients=recipients
    )
    assert verdict is shares.Verdict.BIDDER_FAULT
    assert committed.x == 1


def test_adjudication_with_a_wrong_file_key_is_refused(
    recipients: tuple[age.X25519Recipient, ...],
) -> None:
    """Only a file key that verifies the header MAC may settle a dispute."""
    file_key = os.urandom(16)
    header = age.parse_header(age.build_header(_stanzas(recipients, file_key), file_key))
    with pytest.raises(AgeFileKeyInvalid):
        shares.adjudicate_with_file_key(
            header,
            os.urandom(16),
            shamir.Share(x=1, value=os.urandom(16)),
            FINGERPRINT,
            "main",
            recipients=recipients,
        )


def test_a_share_that_matches_its_commitment_is_not_a_dispute(
    officials: tuple[age.X25519Identity, ...], recipients: tuple[age.X25519Recipient, ...]
) -> None:
    """Adjudication refuses to decide when there is nothing to decide."""
    stanza = _stanzas(recipients, os.urandom(16))[0]
    share = shares.unwrap_share(officials[0], stanza, FINGERPRINT, "main")
    secret = shares.reveal_shared_secret(officials[0], stanza)
    with pytest.raises(ShareNotDisputed):
        shares.adjudicate(stanza, secret, share, FINGERPRINT, "main", recipient=recipients[0])


def test_low_order_ephemeral_is_the_bidders_fault(
    recipients: tuple[age.X25519Recipient, ...],
) -> None:
    """No derivation yields a low-order point; anyone can see it without a secret."""
    parsed = shares.ShareStanza.parse(_stanzas(recipients, os.urandom(16))[0])
    bad = shares.ShareStanza(
        x=1,
        k=K,
        n=N,
        salt=parsed.salt,
        commitment=parsed.commitment,
        ephemeral=bytes(32),
        fingerprint=FINGERPRINT,
        body=parsed.body,
    ).to_stanza()
    lie = shamir.Share(x=1, value=os.urandom(16))
    verdict = shares.adjudicate(bad, bytes(32), lie, FINGERPRINT, "main", recipient=recipients[0])
    assert verdict is shares.Verdict.BIDDER_FAULT


# --- parsing ---


def _args(stanza: age.Stanza, index: int, value: str) -> age.Stanza:
    args = list(stanza.args)
    args[index] = value
    return age.Stanza(args=tuple(args), body=stanza.body)


@pytest.mark.parametrize(
    ("index", "value"),
    [(1, "01"), (1, "6"), (1, "0"), (2, "5"), (2, "1"), (3, "33"), (4, "AAAA"), (6, "AA")],
)
def test_malformed_share_stanzas_are_refused(
    recipients: tuple[age.X25519Recipient, ...], index: int, value: str
) -> None:
    """Leading zeros, x outside 1…n, bad k or n, wrong field sizes."""
    stanza = _args(_stanzas(recipients, os.urandom(16))[0], index, value)
    with pytest.raises(ShareStanzaMalformed) as info:
        shares.ShareStanza.parse(stanza)
    assert info.value.code == "share_stanza_malformed"


def test_share_stanza_with_an_extra_argument_is_refused(
    recipients: tuple[age.X25519Recipient, ...],
) -> None:
    """Exactly six arguments after the type."""
    stanza = _stanzas(recipients, os.urandom(16))[0]
    with pytest.raises(ShareStanzaMalformed):
        shares.ShareStanza.parse(age.Stanza(args=(*stanza.args, "x"), body=stanza.body))


@pytest.mark.parametrize("part", ["", "Main", "main part", "x" * 33, "技术"])
def test_part_labels_outside_the_grammar_are_refused(
    recipients: tuple[age.X25519Recipient, ...], part: str
) -> None:
    """Part labels are [a-z][a-z0-9_-]{0,31}, so HKDF info stays unambiguous ASCII."""
    with pytest.raises(ShamirParametersInvalid):
        _stanzas(recipients, os.urandom(16), part=part)
