"""The signed contract document: uploaded once by the agency, through the blob store,
only if it hashes to the recorded SHA-256; read by its parties and the overseers."""

from __future__ import annotations

import hashlib

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette

from tender.errors import BlobMissing
from tests.tender.contracts.factory import Awarded, awarded
from tests.tender.results.kit import Closed
from tests.web.evaluation.http import code, login
from tests.web.tender.contracts.test_routes import contract_json, rows, url
from web.services import services

SIGNED = b"%PDF-1.7\n% the signed contract\n" + bytes(range(256)) * 40
SHA = hashlib.sha256(SIGNED).hexdigest()


async def contracted(
    client: httpx.AsyncClient, conn: asyncpg.Connection, closed: Closed
) -> Awarded:
    w = await awarded(conn, closed)
    agency = await login(client, closed.agency)
    answer = await client.post(url(w), json=contract_json(w, document_sha256=SHA), headers=agency)
    assert answer.status_code == 201, answer.text
    return w


async def test_the_signed_document_is_uploaded_once_and_read_by_the_parties_and_overseers(
    client: httpx.AsyncClient, conn: asyncpg.Connection, closed: Closed
) -> None:
    w = await contracted(client, conn, closed)
    agency = await login(client, closed.agency)
    headers = agency | {"Content-Type": "application/pdf"}
    done = await client.post(url(w, "contracts/1/document"), content=SIGNED, headers=headers)
    assert done.status_code == 201, done.text
    assert (done.json()["sha256"], done.json()["size"]) == (SHA, len(SIGNED))
    again = await client.post(url(w, "contracts/1/document"), content=SIGNED, headers=headers)
    assert code(again) == (409, "contract_document_exists_conflict")
    for who in (closed.agency, closed.tenderer, closed.bidder(1), closed.staff, closed.supervisor):
        read = await client.get(url(w, "contracts/1/document"), headers=await login(client, who))
        assert read.status_code == 200, (who.username, read.text)
        assert read.content == SIGNED
        assert read.headers["x-content-sha256"] == SHA
        assert read.headers["content-type"] == "application/pdf"
    for who in (closed.bidder(2), closed.other_agency, closed.other_supervisor):
        read = await client.get(url(w, "contracts/1/document"), headers=await login(client, who))
        assert code(read) == (403, "permission_denied")
    assert (await client.get(url(w, "contracts/1/document"))).status_code == 401


async def test_a_document_other_than_the_signed_one_is_refused_and_not_kept(
    app: Starlette, client: httpx.AsyncClient, conn: asyncpg.Connection, closed: Closed
) -> None:
    w = await contracted(client, conn, closed)
    agency = await login(client, closed.agency)
    other = SIGNED + b"changed"
    answer = await client.post(url(w, "contracts/1/document"), content=other, headers=agency)
    assert code(answer) == (422, "contract_document_mismatch")
    assert answer.json()["error"]["details"]["expected"] == SHA
    assert await rows(conn, "tender_contract_documents") == 0
    with pytest.raises(BlobMissing):
        await services(app).blobs.size(hashlib.sha256(other).hexdigest())


async def test_no_document_before_the_contract_nor_from_anyone_but_the_agency(
    client: httpx.AsyncClient, conn: asyncpg.Connection, closed: Closed
) -> None:
    w = await awarded(conn, closed)
    agency = await login(client, closed.agency)
    early = await client.post(url(w, "contracts/1/document"), content=SIGNED, headers=agency)
    assert code(early) == (404, "contract_not_found")
    await client.post(url(w), json=contract_json(w, document_sha256=SHA), headers=agency)
    for who in (closed.staff, closed.bidder(1), closed.other_agency):
        answer = await client.post(
            url(w, "contracts/1/document"), content=SIGNED, headers=await login(client, who)
        )
        assert code(answer) == (403, "permission_denied")
    assert await rows(conn, "tender_contract_documents") == 0
