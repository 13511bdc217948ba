"""JSON API of the project archive (一项一档; docs/formats/archive.md, "Serving").

``POST …/archive`` makes the package now (centre staff; the archive job makes it
otherwise once the procedure has ended); ``GET …/archive`` downloads it and
``GET …/archive/supplements/{number}`` a signed supplement (the centre, the
supervising department, the agency). The package's SHA-256 is in the
``X-Archive-SHA256`` header, as in the ``tender.archived`` log entry.
"""

from __future__ import annotations

import hashlib

from starlette.requests import Request
from starlette.responses import Response

from tender.archive import service
from tender.archive.errors import ArchiveNotFound
from web.auth import signed_in
from web.http import json_response
from web.services import services
from web.tender.bodies import AwareTime, Model
from web.tender.common import attachment, route, tender_id

TAR = "application/x-tar"


class TenderArchiveBody(Model, frozen=True, kw_only=True):
    sha256: str
    size: int
    built_at: AwareTime


async def build_archive(request: Request) -> Response:
    which = tender_id(request)
    async with signed_in(request) as (conn, actor):
        built = await service.build_on_demand(
            conn, actor, which, services(request).archiving(), address=actor.address
        )
    body = TenderArchiveBody(sha256=built.sha256, size=built.size, built_at=built.built_at)
    return json_response(body, 201)


class SupplementBody(Model, frozen=True, kw_only=True):
    number: int
    sha256: str


async def add_supplement(request: Request) -> Response:
    which = tender_id(request)
    async with signed_in(request) as (conn, actor):
        number, body = await service.supplement_on_demand(
            conn, actor, which, services(request).archiving()
        )
    return json_response(
        SupplementBody(number=number, sha256=hashlib.sha256(body).hexdigest()), 201
    )


def _tar(data: bytes, name: str, sha256: str) -> Response:
    headers = {"Content-Disposition": attachment(name), "X-Archive-SHA256": sha256}
    return Response(data, media_type=TAR, headers=headers)


async def download_archive(request: Request) -> Response:
    which = tender_id(request)
    async with signed_in(request) as (conn, actor):
        found = await service.download(conn, actor, which)
    return _tar(found.package, f"archive-{which}.tar", found.sha256)


async def download_supplement(request: Request) -> Response:
    which = tender_id(request)
    raw = request.path_params["number"]
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 6) or int(raw) < 1:
        raise ArchiveNotFound("supplements are numbered 1, 2, …")
    async with signed_in(request) as (conn, actor):
        body = await service.download_supplement(conn, actor, which, int(raw))
    return _tar(body, f"archive-{which}-supplement-{raw}.tar", hashlib.sha256(body).hexdigest())


_T = "/tenders/{tender_id}"
ROUTES = [
    route(
        "POST",
        f"{_T}/archive",
        build_archive,
        "Make the archive package now (centre staff; the procedure must have ended)",
        response=TenderArchiveBody,
        status=201,
    ),
    route(
        "GET",
        f"{_T}/archive",
        download_archive,
        "The archive package (centre, supervising department, agency)",
        content_type=TAR,
    ),
    route(
        "POST",
        f"{_T}/archive/supplements",
        add_supplement,
        "Add a signed supplement of the performance recorded since (centre staff)",
        response=SupplementBody,
        status=201,
    ),
    route(
        "GET",
        f"{_T}/archive/supplements/{{number}}",
        download_supplement,
        "A signed supplement of the archive package (performance records)",
        content_type=TAR,
    ),
]
