"""A member's report signature is listed to the member (GET /api/v1/me/signatures,
issue 12): evaluation.report_signature with the report version's SHA-256."""

from __future__ import annotations

from accounts.keys.signatures import list_signatures
from signing.certs import cert_sha256
from tests.evaluation.report.kit import Kit
from tests.evaluation.report.test_refusals import drafted, signed_by


async def test_a_report_signature_is_listed_to_its_member(kit: Kit) -> None:
    report = await drafted(kit)
    data = {"sha256": report.sha256, "signature": signed_by(kit, 2, report.body)}
    await kit.run("sign_report", kit.person(2).actor, data)
    page = await list_signatures(kit.conn, kit.person(2).actor, cursor=None, limit=50)
    (listed,) = [s for s in page.items if s.purpose == "evaluation.report_signature"]
    assert listed.content_sha256 == report.sha256
    assert listed.cert_sha256 == cert_sha256(kit.person(2).identity.certificate)
    assert (listed.subject_type, listed.subject_id) == ("evaluation", str(kit.state.id))
    assert listed.at == page.items[0].at  # the newest
    other = await list_signatures(kit.conn, kit.person(3).actor, cursor=None, limit=50)
    assert not [s for s in other.items if s.purpose == "evaluation.report_signature"]
