"""Transparency-log endpoints; outside verifiers rely on these shapes (docs/audit-log.md)."""

from __future__ import annotations

import base64
from typing import Annotated

import msgspec
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from accounts import permissions
from accounts.permissions import Action
from audit import service
from web.auth import signed_in
from web.db.database import acquire
from web.http import ApiRoute, query_int, read_json
from web.services import services

TEXT = "text/plain; charset=utf-8"


class InclusionProof(msgspec.Struct, frozen=True, kw_only=True):
    leaf_index: int
    tree_size: int
    hashes: list[str]


class ConsistencyProof(msgspec.Struct, frozen=True, kw_only=True):
    hashes: list[str]


class LogEntryOut(msgspec.Struct, frozen=True, kw_only=True):
    index: int
    entry: str


class LogEntries(msgspec.Struct, frozen=True, kw_only=True):
    entries: list[LogEntryOut]


# A tree size is a PostgreSQL bigint: a larger one was a 500 from the database.
TreeSize = Annotated[int, msgspec.Meta(ge=0, le=2**63 - 1)]


class CosignatureIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    checkpoint_size: TreeSize
    cosignature: str


class CosignatureAccepted(msgspec.Struct, frozen=True, kw_only=True):
    witness: str
    checkpoint_size: int


def _b64(hashes: list[bytes]) -> list[str]:
    return [base64.b64encode(h).decode() for h in hashes]


async def get_checkpoint(request: Request) -> Response:
    """The newest signed checkpoint with its cosignatures (C2SP signed note), read at
    most once per ETENDER_CHECKPOINT_CACHE_SECONDS by this process (web/read_caches.py)."""

    async def load() -> str:
        async with acquire(services(request).pools.main) as conn:
            return await service.current_checkpoint(conn)

    text = await services(request).read_caches.checkpoint.get(load)
    return PlainTextResponse(text, media_type=TEXT, headers={"Cache-Control": "no-store"})


async def get_key(request: Request) -> Response:
    """The checkpoint verifier key in C2SP vkey form."""
    vkey = services(request).log_identity.signer.verifier().to_vkey()
    return PlainTextResponse(vkey + "\n", media_type=TEXT)


async def get_inclusion_proof(request: Request) -> InclusionProof:
    """RFC 9162 inclusion proof."""
    index = query_int(request, "index")
    size = query_int(request, "tree_size", minimum=1)
    async with acquire(services(request).pools.main) as conn:
        proof = await service.inclusion_proof(conn, index, size)
    return InclusionProof(leaf_index=index, tree_size=size, hashes=_b64(proof))


async def get_consistency_proof(request: Request) -> ConsistencyProof:
    """RFC 9162 consistency proof."""
    first = query_int(request, "first", minimum=1)
    second = query_int(request, "second", minimum=1)
    async with acquire(services(request).pools.main) as conn:
        proof = await service.consistency_proof(conn, first, second)
    return ConsistencyProof(hashes=_b64(proof))


async def get_entries(request: Request) -> LogEntries:
    """Exact leaf bytes, for supervisors and administrators who re-hash the log."""
    start = query_int(request, "start")
    end = query_int(request, "end", minimum=1)
    async with signed_in(request) as (conn, actor):
        permissions.require(actor, Action.READ_LOG_ENTRIES, permissions.LOG)
        rows = await service.entries(conn, start, end)
    return LogEntries(
        entries=[LogEntryOut(index=i, entry=base64.b64encode(e).decode()) for i, e in rows]
    )


async def post_cosignature(request: Request) -> CosignatureAccepted:
    """A witness submits its cosignature; the signature itself authenticates it."""
    body = await read_json(request, CosignatureIn)
    async with acquire(services(request).pools.main) as conn:
        name = await service.accept_cosignature(
            conn,
            size=body.checkpoint_size,
            line=body.cosignature,
            log_identity=services(request).log_identity,
        )
    services(request).read_caches.checkpoint.clear()  # the witness reads its own line back at once
    return CosignatureAccepted(witness=name, checkpoint_size=body.checkpoint_size)


ROUTES = [
    ApiRoute(
        method="GET",
        path="/api/v1/log/checkpoint",
        handler=get_checkpoint,
        tag="log",
        summary="Newest signed checkpoint with cosignatures",
        auth=False,
        content_type=TEXT,
    ),
    ApiRoute(
        method="GET",
        path="/api/v1/log/key",
        handler=get_key,
        tag="log",
        summary="Checkpoint verifier key (vkey)",
        auth=False,
        content_type=TEXT,
    ),
    ApiRoute(
        method="GET",
        path="/api/v1/log/proof/inclusion",
        handler=get_inclusion_proof,
        tag="log",
        summary="Inclusion proof",
        response=InclusionProof,
        auth=False,
        query=(("index", int, "leaf index"), ("tree_size", int, "tree size")),
    ),
    ApiRoute(
        method="GET",
        path="/api/v1/log/proof/consistency",
        handler=get_consistency_proof,
        tag="log",
        summary="Consistency proof",
        response=ConsistencyProof,
        auth=False,
        query=(("first", int, "older tree size"), ("second", int, "newer tree size")),
    ),
    ApiRoute(
        method="GET",
        path="/api/v1/log/entries",
        handler=get_entries,
        tag="log",
        summary="Exact leaf bytes (supervisors and administrators)",
        response=LogEntries,
        query=(("start", int, "first index"), ("end", int, "one past the last index")),
    ),
    ApiRoute(
        method="POST",
        path="/api/v1/log/cosignatures",
        handler=post_cosignature,
        tag="log",
        summary="Submit a witness cosignature",
        body=CosignatureIn,
        response=CosignatureAccepted,
        auth=False,
    ),
]
