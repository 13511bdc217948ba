"""A member's sealed sheet and its revision are listed to the member (GET
/api/v1/me/signatures, issue 12): purpose, certificate, the sheet's SHA-256 (its
commitment), the session as subject; newest first; nobody else sees them."""

from __future__ import annotations

import hashlib

from accounts.keys.signatures import list_signatures
from signing.certs import cert_sha256
from tests.evaluation.sheets.kit import Session, revise
from tests.evaluation.sheets.test_review import LOW, revealed_by_all


async def test_a_sealed_sheet_and_its_revision_are_listed_to_the_member(ev: Session) -> None:
    await revealed_by_all(ev)
    data = ev.sheet(3, {**LOW, (0, "1.1"): 2900}, version=2)
    await revise(ev, 3, data, [{"bid": str(ev.bids[0]), "item": "1.1", "reason": "复核"}])
    page = await list_signatures(ev.conn, ev.seats[2].actor, cursor=None, limit=50)
    scoring = [s for s in page.items if s.purpose.startswith("evaluation.sheet")][:2]
    assert [s.purpose for s in scoring] == ["evaluation.sheet_revision", "evaluation.sheet"]
    revision, sealed = scoring
    assert revision.content_sha256 == hashlib.sha256(data).hexdigest()
    assert sealed.content_sha256 == hashlib.sha256(ev.sheet(3, LOW)).hexdigest()
    assert {s.cert_sha256 for s in scoring} == {cert_sha256(ev.seats[2].identity.certificate)}
    assert {(s.subject_type, s.subject_id) for s in scoring} == {("evaluation", str(ev.state.id))}
    others = await list_signatures(ev.conn, ev.seats[0].actor, cursor=None, limit=50)
    assert cert_sha256(ev.seats[2].identity.certificate) not in {
        s.cert_sha256 for s in others.items
    }
