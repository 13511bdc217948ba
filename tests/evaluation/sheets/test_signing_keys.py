"""A tender may require the member's own CA key (signing_keys "ca", issue 12): a sealed
sheet or a revision signed with a certificate registered as a browser device key is
refused, nothing written; under "any" (the default) the same key signs."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from evaluation.errors import SigningDeviceKeyRefused
from evaluation.model import Phase
from signing.certs import Identity, cert_sha256
from signing.demo_ca import issue_certificate
from tender import service as tender_service
from tender.model import SigningKeys
from tests.evaluation.sheets.kit import Session, revise
from tests.evaluation.sheets.test_review import LOW, revealed_by_all
from tests.evaluation.sheets.test_submit import SCORES, refused
from tests.tender.world import World, fast_draft, register_certificate

REFUSED = "signing_device_key_refused"


async def _tender(ev: Session, world: World, keys: SigningKeys) -> None:
    """The session's tender is a real one saying ``keys`` (saved and read back)."""
    draft = dataclasses.replace(await fast_draft(ev.conn, world), signing_keys=keys)
    tender = await tender_service.create_draft(ev.conn, world.agency, draft)
    assert tender.content.signing_keys is keys
    ev.state = dataclasses.replace(ev.state, tender_id=tender.id)


async def _browser_key(ev: Session, seat: int) -> str:
    """The seat's current certificate is registered as a browser device key."""
    await ev.conn.execute(
        "UPDATE user_certificates SET device_kind = 'browser', device_label = '评标室浏览器'"
        " WHERE user_id = $1 AND retired_at IS NULL",
        ev.seats[seat - 1].actor.user_id,
    )
    return cert_sha256(ev.seats[seat - 1].identity.certificate)


async def test_a_ca_tender_refuses_a_sheet_sealed_with_a_browser_key(
    ev: Session, world: World
) -> None:
    """Seat 1's browser key: refused, naming the certificate; seat 2's CA key: accepted."""
    await _tender(ev, world, SigningKeys.CA)
    digest = await _browser_key(ev, 1)
    error = await refused(ev, REFUSED, 1, "submit_sheet", ev.sealed(1, ev.sheet(1, SCORES))
                          .submit_data())  # fmt: skip
    assert (error.status, error.details) == (422, {"cert_sha256": digest})
    await ev.submit(2, ev.sheet(2, SCORES))
    assert await ev.conn.fetchval("SELECT count(*) FROM evaluation_sheets WHERE seat = 2") >= 1


async def test_an_any_tender_accepts_a_browser_key(ev: Session, world: World) -> None:
    """The default: every registered certificate signs, a device key's too."""
    await _tender(ev, world, SigningKeys.ANY)
    await _browser_key(ev, 1)
    for seat in (1, 2, 3):
        await ev.submit(seat, ev.sheet(seat, SCORES))
    assert ev.state.phase is Phase.SCORING_REVEAL


async def test_a_ca_tender_refuses_a_revision_signed_with_a_browser_key(
    ev: Session, world: World
) -> None:
    """Seat 3's flagged item revised with its browser key: refused, nothing written."""
    await revealed_by_all(ev)
    await _tender(ev, world, SigningKeys.CA)
    await _browser_key(ev, 3)
    data = ev.sheet(3, {**LOW, (0, "1.1"): 2900}, version=2)
    reason = [{"bid": str(ev.bids[0]), "item": "1.1", "reason": "漏看了检测报告"}]
    before = await ev.counts()
    with pytest.raises(SigningDeviceKeyRefused):
        await revise(ev, 3, data, reason)
    assert await ev.counts() == before


async def test_a_ca_tender_refuses_a_certificate_its_ca_marked_as_a_browser_key(
    ev: Session, world: World
) -> None:
    """Registered with ``device: null`` (as before the registration refused it), a
    certificate carrying the browser-key policy is still a device key under "ca"."""
    await _tender(ev, world, SigningKeys.CA)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = issue_certificate(world.ca, name="专家1", public_key=key.public_key(),
                             now=ev.now - dt.timedelta(hours=1), browser_key=True)  # fmt: skip
    marked = Identity(certificate=cert, key=key, chain=(world.ca.issuing_cert,))
    await register_certificate(ev.conn, ev.seats[0].actor.user_id, marked)
    ev.seats = (dataclasses.replace(ev.seats[0], identity=marked), *ev.seats[1:])
    error = await refused(ev, REFUSED, 1, "submit_sheet", ev.sealed(1, ev.sheet(1, SCORES))
                          .submit_data())  # fmt: skip
    assert error.details == {"cert_sha256": cert_sha256(cert)}
