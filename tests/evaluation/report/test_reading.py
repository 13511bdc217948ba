"""Who reads the report, what each sees, the PDF, and re-checking every signature.

docs/formats/evaluation-report.md §5–6. Members, centre staff and the department's
supervisors read it from the first draft; the tender's agency and tenderer once the
session has closed, without signatures or names (两随机、四不知 until the award);
anyone else is told there is none.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
from pathlib import Path

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from accounts.model import Role
from evaluation.report import queries, service
from evaluation.report.errors import ReportNotFound
from signing.canonical import canonical_json
from signing.certs import dump_pem_certificate
from signing.cms import sign_detached
from tests.accounts.factory import actor_for, make_user
from tests.evaluation.report.kit import Kit, b64url


async def signed_by_all(kit: Kit, seats: range = range(1, 7)) -> queries.StoredReport:
    await kit.run("rank", kit.person(1).actor)
    await kit.run("draft_report", kit.person(1).actor)
    report = await queries.current_report(kit.conn, kit.state.id)
    assert report is not None
    for seat in seats:
        who = kit.person(seat).identity
        signature = sign_detached(report.body, who.certificate, who.key, chain=who.chain)
        await kit.run(
            "sign_report",
            kit.person(seat).actor,
            {"sha256": report.sha256, "signature": b64url(signature)},
        )
    return report


async def test_staff_see_everything_with_the_sealed_name_list(kit: Kit) -> None:
    report = await signed_by_all(kit, range(1, 4))
    seen = await service.report_json(kit.conn, kit.world.staff, kit.state.id)
    assert seen["view"] == "staff"
    assert seen["sha256"] == report.sha256
    assert [a["status"] for a in seen["answers"]] == ["signed"] * 3 + ["pending"] * 3
    assert all("signature" in a for a in seen["answers"][:3])
    sealed = seen["sealed_members"]
    assert [(m["seat"], m["user_id"]) for m in sealed] == [
        (n, str(p.user.id)) for n, p in enumerate(kit.people, start=1)
    ]


async def test_a_supervisor_of_the_department_reads_as_staff(kit: Kit) -> None:
    await signed_by_all(kit, range(1, 2))
    seen = await service.report_json(kit.conn, kit.world.supervisor, kit.state.id)
    assert seen["view"] == "staff"


async def test_members_read_the_report_with_signatures_but_not_the_sealed_list(kit: Kit) -> None:
    await signed_by_all(kit, range(1, 2))
    seen = await service.report_json(kit.conn, kit.person(4).actor, kit.state.id)
    assert seen["view"] == "committee"
    assert "sealed_members" not in seen
    assert "signature" in seen["answers"][0]


async def test_the_agency_reads_only_after_the_session_closed_and_sees_no_names(kit: Kit) -> None:
    await signed_by_all(kit, range(1, 6))
    with pytest.raises(PermissionDenied):
        await service.report_json(kit.conn, kit.world.agency, kit.state.id)
    who = kit.person(6).identity
    report = await queries.current_report(kit.conn, kit.state.id)
    assert report is not None
    signature = sign_detached(report.body, who.certificate, who.key, chain=who.chain)
    await kit.run(
        "sign_report",
        kit.person(6).actor,
        {"sha256": report.sha256, "signature": b64url(signature)},
    )
    for actor in (kit.world.agency, kit.world.tenderer):
        seen = await service.report_json(kit.conn, actor, kit.state.id)
        assert seen["view"] == "public"
        assert seen["closed"] is True
        assert all("signature" not in a for a in seen["answers"])
        assert "sealed_members" not in seen
        text = str(seen)
        assert not any(p.user.username in text or str(p.user.id) in text for p in kit.people)


async def test_a_stranger_is_told_there_is_no_report(kit: Kit) -> None:
    await signed_by_all(kit)
    stranger = await actor_for(
        kit.conn, await make_user(kit.conn, kit.world.bidder_orgs[0], Role.BIDDER, password=None)
    )
    for actor in (stranger, kit.world.other_agency, kit.world.bidders[0]):
        with pytest.raises(ReportNotFound):
            await service.report_json(kit.conn, actor, kit.state.id)


async def test_a_session_without_a_draft_has_no_report(kit: Kit) -> None:
    with pytest.raises(ReportNotFound):
        await service.report_json(kit.conn, kit.world.staff, kit.state.id)


async def test_verify_report_rechecks_every_signature(kit: Kit) -> None:
    await signed_by_all(kit, range(1, 5))
    await kit.run("refuse_report", kit.person(5).actor, {"reason": "理由见不同意见。"})
    checks = await service.verify_report(
        kit.conn, kit.world.staff, kit.state.id, kit.world.ca.trust_store()
    )
    assert [(c.seat, c.status, c.valid) for c in checks] == [
        (1, "signed", True),
        (2, "signed", True),
        (3, "signed", True),
        (4, "signed", True),
        (5, "refused", None),
        (6, "pending", None),
    ]


async def test_verify_report_finds_a_signature_the_database_was_made_to_hold(
    kit: Kit, owner_conn: asyncpg.Connection
) -> None:
    """A signature swapped behind the platform's back (the owner role) is found out."""
    report = await signed_by_all(kit, range(1, 3))
    other = await owner_conn.fetchval(
        "SELECT signature FROM evaluation_report_signatures WHERE session_id = $1 AND seat = 2",
        kit.state.id,
    )
    await owner_conn.execute("ALTER TABLE evaluation_report_signatures DISABLE TRIGGER USER")
    await owner_conn.execute(
        "UPDATE evaluation_report_signatures SET signature = $2 WHERE session_id = $1 AND seat = 1",
        kit.state.id,
        other,
    )
    await owner_conn.execute("ALTER TABLE evaluation_report_signatures ENABLE TRIGGER USER")
    checks = await service.verify_report(
        kit.conn, kit.world.staff, kit.state.id, kit.world.ca.trust_store()
    )
    assert (checks[0].valid, checks[0].code) == (False, "evaluation_report_signer_mismatch")
    assert checks[1].valid is True
    assert report.version == 1


async def test_the_pdf_reads_back_in_chinese_with_seats_and_no_names(
    kit: Kit, tmp_path: Path
) -> None:
    """pdftotext reads the public copy: headings, seats, candidates; no member's name."""
    report = await signed_by_all(kit)
    pdf = await service.report_pdf(kit.conn, kit.world.agency, kit.state.id)
    text = pdftotext(tmp_path, pdf)
    for heading in (
        "评标报告",
        "评标委员会",
        "资格审查",
        "否决投标",
        "澄清记录",
        "偏离复核",
        "排序",
        "中标候选人",
        "不同意见",
        "签署",
        "专家1",
        "专家6",
        "已签署",
    ):
        assert heading in text, heading
    assert report.sha256 in text.replace("\n", "")
    assert "密封名单" not in text
    assert not any(p.user.display_name in text for p in kit.people)
    assert "投标人4" in text  # the rejected bid is listed (Reg. 51)


async def test_the_staff_pdf_carries_the_sealed_name_list(kit: Kit, tmp_path: Path) -> None:
    await signed_by_all(kit)
    text = pdftotext(tmp_path, await service.report_pdf(kit.conn, kit.world.staff, kit.state.id))
    assert "密封名单" in text
    assert kit.people[0].user.display_name in text


def pdftotext(tmp_path: Path, pdf: bytes) -> str:
    (tmp_path / "report.pdf").write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(tmp_path / "report.pdf"), "-"],
        capture_output=True,
        check=True,
    )
    return result.stdout.decode()


async def test_report_body_is_the_signed_bytes(kit: Kit) -> None:
    report = await signed_by_all(kit, range(1, 2))
    assert await service.report_body(kit.conn, kit.person(2).actor, kit.state.id) == report.body


async def test_a_closed_report_verifies_step_by_step_as_the_docs_say(
    kit: Kit, tmp_path: Path
) -> None:
    """docs/formats/evaluation-report.md §11, run literally: hash, decode, openssl with
    -signer, then the seat's commitment recomputed from the signer's certificate."""
    await signed_by_all(kit)
    seen = await service.report_json(kit.conn, kit.world.staff, kit.state.id)
    body = canonical_json(seen["report"])
    (tmp_path / "report.json").write_bytes(body)
    (tmp_path / "ca.pem").write_bytes(dump_pem_certificate(kit.world.ca.root_cert))
    assert run("sha256sum", "report.json", cwd=tmp_path).split()[0] == seen["sha256"]
    decode, commitment = shell_lines(DOC_STEPS)
    for answer, sealed in zip(seen["answers"], seen["sealed_members"], strict=True):
        der = subprocess.run(
            ["python3", "-c", decode, answer["signature"]], capture_output=True, check=True
        ).stdout
        (tmp_path / "seat.p7s").write_bytes(der)
        run(
            "openssl",
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            "seat.p7s",
            "-content",
            "report.json",
            "-CAfile",
            "ca.pem",
            "-purpose",
            "any",
            "-signer",
            "seat.pem",
            "-out",
            "/dev/null",
            cwd=tmp_path,
        )
        der_cert = subprocess.run(
            ["openssl", "x509", "-in", str(tmp_path / "seat.pem"), "-outform", "DER"],
            capture_output=True,
            check=True,
        ).stdout
        digest = hashlib.sha256(der_cert).hexdigest()
        assert digest == sealed["cert_sha256"]
        out = subprocess.run(
            ["python3", "-c", commitment, sealed["salt"], digest],
            capture_output=True,
            check=True,
            text=True,
        ).stdout.strip()
        assert out == seen["report"]["members"][answer["seat"] - 1]["certificate"]


DOC_STEPS = (Path(__file__).parents[3] / "docs/formats/evaluation-report.md").read_text(
    encoding="utf-8"
)


def shell_lines(doc: str) -> tuple[str, str]:
    """The two python3 -c programs of §11 (decoding a signature, the commitment)."""
    programs = re.findall(r"python3 -c '([^']+)'", doc)
    assert len(programs) == 2
    return programs[0], programs[1]


def run(*args: str, cwd: Path) -> str:
    result = subprocess.run(list(args), capture_output=True, check=False, cwd=cwd, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout
