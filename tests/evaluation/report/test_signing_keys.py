"""A tender may require the member's own CA key (signing_keys "ca", issue 12): a report
signature made with a certificate registered as a browser device key is refused; under
"any" (the default) it counts."""

from __future__ import annotations

import dataclasses

import asyncpg
import pytest

from tender import service as tender_service
from tender.lifecycle import change_status
from tender.model import SigningKeys, Tender, TenderStatus
from tests.evaluation.report.kit import METHOD, Kit, build_kit
from tests.evaluation.report.standard import standard_sheets
from tests.evaluation.report.test_refusals import drafted, refused, signed_by
from tests.tender.world import World, appoint, fast_draft


async def _ca_tender(conn: asyncpg.Connection, world: World) -> Tender:
    """As the kit's tender_in_evaluation, published with signing_keys "ca"."""
    draft = await fast_draft(conn, world, lots=2)
    draft = dataclasses.replace(
        draft, signing_keys=SigningKeys.CA,
        lots=tuple(dataclasses.replace(lot, evaluation=METHOD) for lot in draft.lots),
    )  # fmt: skip
    tender = await tender_service.create_draft(conn, world.agency, draft)
    for lot in draft.lots:
        await appoint(conn, world, tender, lot.number)
    tender = await tender_service.publish(conn, world.agency, tender.id, world.setup())
    for status in (TenderStatus.BIDDING_CLOSED, TenderStatus.OPENING, TenderStatus.EVALUATION):
        tender = await change_status(conn, tender.id, status)
    return tender


async def _browser_key(kit: Kit, seat: int) -> None:
    await kit.conn.execute(
        "UPDATE user_certificates SET device_kind = 'browser', device_label = '评标室浏览器'"
        " WHERE user_id = $1 AND retired_at IS NULL",
        kit.person(seat).user.id,
    )


async def test_a_ca_tender_refuses_a_report_signed_with_a_browser_key(
    conn: asyncpg.Connection, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seat 2 signs with its browser device key: signing_device_key_refused, nothing
    written; seat 3's CA key signs."""
    kit = await build_kit(conn, world, monkeypatch, tender=await _ca_tender(conn, world))
    await standard_sheets(kit)
    report = await drafted(kit)
    await _browser_key(kit, 2)
    data = {"sha256": report.sha256, "signature": signed_by(kit, 2, report.body)}
    await refused(kit, "sign_report", kit.person(2).actor, data, "signing_device_key_refused")
    ok = {"sha256": report.sha256, "signature": signed_by(kit, 3, report.body)}
    assert await kit.run("sign_report", kit.person(3).actor, ok)


async def test_an_any_tender_counts_a_report_signed_with_a_browser_key(kit: Kit) -> None:
    report = await drafted(kit)
    await _browser_key(kit, 2)
    data = {"sha256": report.sha256, "signature": signed_by(kit, 2, report.body)}
    assert await kit.run("sign_report", kit.person(2).actor, data)


async def test_a_published_tender_keeps_its_signing_keys(kit: Kit) -> None:
    """Part of the notice: the database refuses to change it after publication (0068)."""
    with pytest.raises(asyncpg.CheckViolationError):
        await kit.conn.execute(
            "UPDATE tenders SET signing_keys = 'ca' WHERE id = $1", kit.state.tender_id
        )
