"""Pages of the expert pool: the pool (supervisors), draws (agency, centre, supervisors),
notices and the yearly record (experts). Chinese first, English through the switch.

Every form posts back to the page with the session's CSRF token (web/auth.py) and
calls one service; the page shows the domain error's message when one is refused.
Entropy is generated in the contributor's own browser by /expert-pool/entropy.js
(crypto.getRandomValues): the server never generates it.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import dataclasses
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg
import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from accounts import service as accounts
from accounts.errors import AccountsError, Unauthenticated
from accounts.model import Actor, OrgKind, Role
from accounts.permissions import Action, is_allowed
from expert_pool import (
    service,
    service_answers,
    service_close,
    service_common,
    service_draws,
    service_pools,
    service_records,
    service_views,
)
from expert_pool.assessment import Offence
from expert_pool.draw import Category, ContributorRole
from expert_pool.errors import DrawCommitNotCheckpointed, ExpertPoolError
from expert_pool.lifecycle import DrawSpec, DrawStatus, Purpose, StoredDraw
from expert_pool.model import ExpertStatus
from expert_pool.profiles import SearchFilter
from expert_pool.regions import DEFAULT_REGIONS
from expert_pool.response import Decision
from expert_pool.service_records import AttendanceEvent
from expert_pool.specialties import default_specialties
from web import i18n
from web.accounts.pages import SECURITY_HEADERS
from web.auth import csrf_token_for, current_actor, session_token
from web.db.database import acquire
from web.draws.routes import trust_store
from web.errormap import status_for
from web.errors import EtenderError
from web.expert_pool import i18n as i18n_expert_pool
from web.services import services

SHANGHAI = ZoneInfo("Asia/Shanghai")
ENTROPY_JS = Path(__file__).parent / "templates" / "expert_pool" / "entropy.js"
Page = Callable[[Request, asyncpg.Connection, Actor], Awaitable[Response]]

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("web", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _local(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


_ENV.filters["local"] = _local


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render a page of this area in the request's language, with security headers."""
    lang = i18n.negotiate(request)

    def translate(key: str, **params: Any) -> str:
        return i18n_expert_pool.translate(lang, key, **{k: str(v) for k, v in params.items()})

    token = session_token(request)
    actor: Actor | None = context.get("actor")
    html = _ENV.get_template(f"expert_pool/{template}").render(
        roles={str(r) for r in actor.roles} if actor is not None else set(),
        t=translate,
        lang=lang,
        languages=i18n.LANGUAGES,
        path=request.url.path,
        csrf_token=csrf_token_for(token) if token else None,
        **context,
    )
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


def page(handler: Page) -> Callable[[Request], Awaitable[Response]]:
    """Sign-in required; a refused operation re-renders as an error page."""

    async def endpoint(request: Request) -> Response:
        async with acquire(services(request).pools.main) as conn:
            try:
                actor = await current_actor(request, conn)
            except (Unauthenticated, EtenderError):
                actor = None
            if actor is None:
                return _redirect("/login")
            try:
                return await handler(request, conn, actor)
            except (ExpertPoolError, AccountsError, EtenderError) as refused:
                return render(
                    request,
                    "error.html",
                    status_for(refused),
                    actor=actor,
                    code=refused.code,
                    message=refused.message,
                )

    endpoint.__name__ = handler.__name__
    return endpoint


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _parse_local(value: str) -> datetime:
    """A datetime-local field, read as Beijing time."""
    try:
        return datetime.fromisoformat(value).replace(tzinfo=SHANGHAI)
    except ValueError:
        raise EtenderError(f"{value!r} is not a date and time") from None


# --- the pool ----------------------------------------------------------------------------


async def pool_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    q = request.query_params
    status = q.get("status") or None
    search = SearchFilter(
        specialty=q.get("specialty") or None,
        region=q.get("region") or None,
        status=ExpertStatus(status) if status in {s.value for s in ExpertStatus} else None,
        name=q.get("name") or None,
        after=q.get("cursor") or None,
        limit=50,
    )
    rows = await service.search_experts(conn, actor, search)
    return render(
        request,
        "pool.html",
        actor=actor,
        rows=rows,
        query=dict(q),
        specialties=list(default_specialties().nodes.values()),
        regions=sorted(DEFAULT_REGIONS.regions.values(), key=lambda r: r.code),
        statuses=list(ExpertStatus),
        next_cursor=rows[-1].id if len(rows) == search.limit else None,
    )


# --- draws --------------------------------------------------------------------------------


async def draws_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    items = await service_views.list_draws(conn, actor)
    return render(
        request,
        "draws.html",
        actor=actor,
        items=items,
        can_request=actor.has_role(Role.AGENCY),
    )


async def _departments(conn: asyncpg.Connection, actor: Actor) -> list[Any]:
    page_ = await accounts.list_organisations(conn, actor, cursor=None, limit=200)
    return [o for o in page_.items if o.kind is OrgKind.INDUSTRY_DEPARTMENT]


async def new_draw_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    return render(
        request,
        "new_draw.html",
        actor=actor,
        departments=await _departments(conn, actor),
        specialties=list(default_specialties().nodes.values()),
    )


def _categories(form: dict[str, str]) -> tuple[Category, ...]:
    found: list[Category] = []
    for n in range(1, 4):
        code, rule, count = form.get(f"spec{n}"), form.get(f"rule{n}"), form.get(f"count{n}")
        if code and count and count.isdigit() and int(count) > 0:
            found.append(Category(label=f"{code}@{rule or 'local'}", count=int(count)))
    venues = form.get("venues", "0")
    if venues.isdigit() and int(venues) > 0:
        found.append(Category(label="venue@remote", count=int(venues)))
    return tuple(found)


def _spec(form: dict[str, str]) -> DrawSpec:
    roles: tuple[ContributorRole, ...] = (ContributorRole.SUPERVISOR,)
    if form.get("agency_entropy"):
        roles = (ContributorRole.AGENCY, ContributorRole.SUPERVISOR)
    reps = form.get("representatives", "0")
    return DrawSpec(
        session_start=_parse_local(form.get("start", "")),
        session_end=_parse_local(form.get("end", "")),
        categories=_categories(form),
        representatives=int(reps) if reps.isdigit() else 0,
        entropy_roles=roles,
    )


async def new_draw_submit(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    form = await _form(request)
    agencies = sorted(actor.acting_for(Role.AGENCY))
    if not agencies:
        raise EtenderError("only an agency requests a draw")
    try:
        department = UUID(form.get("department", ""))
    except ValueError:
        raise EtenderError("choose the supervising department") from None
    draw = await service_draws.request_draw(
        conn,
        actor,
        service_draws.DrawRequestInput(
            tender_id=form.get("tender_id", ""),
            lot=form.get("lot") or "1",
            purpose=Purpose.EVALUATION,
            project_id=form.get("project_id", ""),
            agency_id=agencies[0],
            department_id=department,
            tenderer=form.get("tenderer", "").strip(),
            spec=_spec(form),
        ),
    )
    return _redirect(f"/draws/{draw.id}")


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Powers:
    """What the viewer may do on this draw's page."""

    supervisor: bool
    centre: bool
    agency: bool
    contributor: ContributorRole | None


def _powers(actor: Actor, draw: StoredDraw) -> Powers:
    res = service_common.resource(draw)
    contributor: ContributorRole | None = None
    if any(
        is_allowed(actor, a, res)
        for a in (Action.CONTRIBUTE_ENTROPY, Action.REQUEST_DRAW, Action.OPERATE_DRAW)
    ):
        contributor = service_draws.contributor_role(actor, draw)[0]
    return Powers(
        supervisor=is_allowed(actor, Action.VIEW_DRAW_NAMES, res),
        centre=is_allowed(actor, Action.OPERATE_DRAW, res),
        agency=is_allowed(actor, Action.REQUEST_DRAW, res),
        contributor=contributor,
    )


async def _supervision(
    request: Request, conn: asyncpg.Connection, actor: Actor, draw: StoredDraw
) -> dict[str, Any]:
    """What only supervisors of the department see: exclusions, names, proof, records."""
    context: dict[str, Any] = {}
    if draw.status is DrawStatus.REQUESTED:
        return context
    pools, excluded = await service_views.exclusions(conn, actor, draw.id)
    context.update(pool_sizes={k: len(v) for k, v in pools.items()}, excluded=excluded)
    if draw.transcript is not None:
        context["sealed"] = await service_views.sealed_list(conn, actor, draw.id)
    if draw.status is DrawStatus.COMPLETE:
        context["attendance"] = await service_records.attendance_of(conn, actor, draw.id)
        context["assessments"] = await service_records.assessments_of(conn, actor, draw.id)
    return context


async def draw_page(
    request: Request,
    conn: asyncpg.Connection,
    actor: Actor,
    *,
    message: str | None = None,
    status: int = 200,
) -> Response:
    draw = await service_common.get_draw(conn, request.path_params["id"])
    summary = await service_views.draw_status(conn, actor, draw.id)
    powers = _powers(actor, draw)
    extra = await _supervision(request, conn, actor, draw) if powers.supervisor else {}
    proof = None
    if draw.transcript is not None and (powers.supervisor or powers.contributor):
        # Issue 9, item 2: entropy only once a signed checkpoint fixes the commit; the
        # form names that checkpoint, and is not offered before it exists.
        verifier = services(request).log_identity.signer.verifier()
        with contextlib.suppress(DrawCommitNotCheckpointed):
            proof = await service_views.commit_proof(conn, actor, draw.id, verifier)
    ratio = draw.policy.draw.min_pool_ratio
    below = [
        c.label
        for c in draw.spec.categories
        if extra.get("pool_sizes", {}).get(c.label, ratio * c.count) < ratio * c.count
    ]
    return render(
        request,
        "draw.html",
        status,
        actor=actor,
        draw=summary,
        powers=powers,
        ratio=ratio,
        below=below,
        message=message,
        done=request.query_params.get("done"),
        events=list(AttendanceEvent),
        offences=list(Offence),
        pool_sizes=extra.get("pool_sizes"),
        excluded=extra.get("excluded"),
        proof=proof,
        committed=draw.transcript is not None,
        sealed=extra.get("sealed"),
        attendance=extra.get("attendance"),
        assessments=extra.get("assessments"),
    )


async def _act(
    conn: asyncpg.Connection, actor: Actor, draw_id: str, action: str, form: dict[str, str]
) -> None:
    reason = form.get("reason", "")
    match action:
        case "prepare":
            await service_pools.prepare_draw(conn, actor, draw_id)
        case "commit":
            await service_draws.commit_draw(conn, actor, draw_id)
        case "entropy":
            r = form.get("round", "")
            if not r.isdigit():
                raise EtenderError("the round is missing")
            size = form.get("checkpoint_size", "")
            if not size.isdigit():
                raise EtenderError("the checkpoint that fixes the commit is missing")
            fixed = service_draws.FixedCommit(
                commit_hash=form.get("commit_hash", ""), checkpoint_size=int(size)
            )
            await service_draws.contribute_entropy(
                conn, actor, draw_id, int(r), form.get("entropy", ""), fixed=fixed
            )
        case "approve-pool":
            await service_pools.approve_small_pool(conn, actor, draw_id, reason)
        case "approve-redraw":
            await service_close.approve_redraw(conn, actor, draw_id, reason)
        case "cancel":
            await service_close.cancel_draw(conn, actor, draw_id, reason)
        case "attendance":
            event = AttendanceEvent(form.get("event", "signed_in"))
            await service_records.record_attendance(
                conn, actor, draw_id, form.get("expert_id", ""), event
            )
        case "assessment":
            score = form.get("score", "")
            offences = tuple(Offence(o) for o in Offence if form.get(f"offence_{o}"))
            await service_records.record_assessment(
                conn,
                actor,
                draw_id,
                form.get("expert_id", ""),
                score=int(score) if score.isdigit() else -1,
                comment=form.get("comment", ""),
                offences=offences,
            )
        case _:
            raise EtenderError(f"unknown action {action!r}")


async def draw_action(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    draw_id, action = request.path_params["id"], request.path_params["action"]
    form = await _form(request)
    try:
        await _act(conn, actor, draw_id, action, form)
    except (ExpertPoolError, AccountsError, EtenderError, ValueError) as refused:
        text = getattr(refused, "message", str(refused))
        return await draw_page(request, conn, actor, message=text, status=status_for(refused))
    return _redirect(f"/draws/{draw_id}?done={action}")


# --- the expert ---------------------------------------------------------------------------


async def invitations_page(
    request: Request, conn: asyncpg.Connection, actor: Actor, message: str | None = None
) -> Response:
    items = await service_answers.my_invitations(conn, actor)
    expert_id = await service_answers.expert_id_of(conn, actor)
    statements = {
        item.draw_id: {d: service_answers.statement_for(item, expert_id, d) for d in Decision}
        for item in items
    }
    return render(
        request,
        "invitations.html",
        200 if message is None else 422,
        actor=actor,
        items=items,
        statements=statements,
        message=message,
        done=request.query_params.get("done"),
    )


async def answer_submit(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    form = await _form(request)
    draw_id = request.path_params["id"]
    try:
        statement = form.get("statement", "").encode("utf-8")
        signature = base64.b64decode(form.get("signature", "").strip(), validate=True)
        await service_answers.respond(
            conn, actor, draw_id, statement, signature, trust=trust_store(request)
        )
    except (ExpertPoolError, binascii.Error, ValueError) as refused:
        return await invitations_page(
            request, conn, actor, getattr(refused, "message", str(refused))
        )
    return _redirect("/expert/invitations?done=1")


async def record_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    year = datetime.now(SHANGHAI).year
    view = await service_records.year_view(conn, actor, year)
    profile = await service.my_profile(conn, actor)
    return render(request, "record.html", actor=actor, view=view, profile=profile, year=year)


async def record_submit(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    form = await _form(request)
    if form.get("remove"):
        await service.remove_unavailable(conn, actor, UUID(form["remove"]))
    else:
        await service.add_unavailable(
            conn,
            actor,
            _parse_local(form.get("start", "")),
            _parse_local(form.get("end", "")),
            form.get("note", ""),
        )
    return _redirect("/expert/record")


async def entropy_js(request: Request) -> Response:
    """The contributor's own client: 32 bytes from crypto.getRandomValues, as hex."""
    return Response(
        ENTROPY_JS.read_text(encoding="utf-8"),
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
    )


def routes() -> list[BaseRoute]:
    """The page routes of the area."""
    return [
        Route("/expert-pool", page(pool_page), methods=["GET"]),
        Route("/expert-pool/entropy.js", entropy_js, methods=["GET"]),
        Route("/draws", page(draws_page), methods=["GET"]),
        Route("/draws/new", page(new_draw_page), methods=["GET"]),
        Route("/draws/new", page(new_draw_submit), methods=["POST"]),
        Route("/draws/{id}", page(draw_page), methods=["GET"]),
        Route("/draws/{id}/do/{action}", page(draw_action), methods=["POST"]),
        Route("/expert/invitations", page(invitations_page), methods=["GET"]),
        Route("/expert/invitations/{id}", page(answer_submit), methods=["POST"]),
        Route("/expert/record", page(record_page), methods=["GET"]),
        Route("/expert/record", page(record_submit), methods=["POST"]),
    ]
