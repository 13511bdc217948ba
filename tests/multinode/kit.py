"""What the several-node tests share: the nodes' settings, a bid over HTTP, a CMS check."""

from __future__ import annotations

import base64
import hashlib
import subprocess
from pathlib import Path

import asyncpg
import httpx

from tender.model import Tender
from tests.evaluation.servers import Node, bearer_token
from tests.tender.submission.kit import Bidder, sign_submit
from tests.tender.world import FAST


def fast_env() -> dict[str, str]:
    """Every node: the tests' fast tender policies, blobs in PostgreSQL."""
    policies = {f"ETENDER_POLICY_TENDER_{k.upper()}": str(v) for k, v in FAST.to_json().items()}
    return {**policies, "ETENDER_BLOB_STORE": "postgres"}


async def submit_on(node: Node, conn: asyncpg.Connection, tender: Tender, who: Bidder,
                    data: bytes, *, rest_on: Node | None = None) -> dict[str, object]:  # fmt: skip
    """Upload (two chunks) and submit one part over HTTP; the receipt's JSON. With
    ``rest_on`` the upload is resumed there after the first half (any node resumes an
    upload staged in PostgreSQL: docs/formats/upload.md §2.3)."""
    digest = hashlib.sha256(data).hexdigest()
    auth = {"Authorization": f"Bearer {await bearer_token(conn, who.actor.user_id)}"}
    lot = f"{node.url}/api/v1/tenders/{tender.id}/lots/1"
    async with httpx.AsyncClient(timeout=30) as client:
        created = await client.post(
            f"{lot}/uploads", json={"part": "main", "size": len(data), "sha256": digest},
            headers=auth,
        )  # fmt: skip
        assert created.status_code == 201, created.text
        upload = f"{node.url}/api/v1/uploads/{created.json()['id']}"
        half = len(data) // 2
        assert (
            await client.put(f"{upload}?offset=0", content=data[:half], headers=auth)
        ).is_success
        if rest_on is not None:
            upload = upload.replace(node.url, rest_on.url, 1)
            seen = (await client.get(upload, headers=auth)).json()
            assert (seen["status"], seen["offset"]) == ("open", half), seen
        rest = await client.put(f"{upload}?offset={half}", content=data[half:], headers=auth)
        assert rest.json()["status"] == "complete", rest.text
        signed = sign_submit(tender, who, {"main": digest})
        statement = {
            "statement": base64.b64encode(signed.body).decode(),
            "signature": base64.b64encode(signed.signature).decode(),
        }
        submitted = await client.post(f"{lot}/bid", json=statement, headers=auth)
        assert submitted.status_code == 201, submitted.text
        body: dict[str, object] = submitted.json()
        return body


def verifies(root: Path, content: bytes, signature: bytes, where: Path) -> bool:
    """``openssl cms -verify`` of a detached signature under ``root``."""
    (where / "c.bin").write_bytes(content)
    (where / "c.p7s").write_bytes(signature)
    done = subprocess.run(
        ["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", str(where / "c.p7s"),
         "-content", str(where / "c.bin"), "-CAfile", str(root), "-purpose", "any",
         "-out", "/dev/null"],
        capture_output=True, check=False,
    )  # fmt: skip
    return done.returncode == 0
