"""Pages of draws: the list, a new request, one draw with what the viewer may do there
(agency, centre, supervisors). Chinese first, English through the switch."""

from __future__ import annotations

import contextlib
import dataclasses
from typing import Any
from uuid import UUID

import asyncpg
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from accounts.errors import AccountsError, PermissionDenied
from accounts.model import Actor, OrgKind, Role
from accounts.organisations import service as organisations
from accounts.permissions import Action, is_allowed
from expert_pool.draws import access as service_common
from expert_pool.draws.model import DrawSpec, DrawStatus, Purpose, StoredDraw
from expert_pool.errors import DrawCommitNotCheckpointed, ExpertPoolError
from expert_pool.policy import Offence
from expert_pool.pools import service as service_pools
from expert_pool.records import service as service_records
from expert_pool.records.service import AttendanceEvent
from expert_pool.requests import close as service_close
from expert_pool.requests import reopen as service_reopen
from expert_pool.requests import service as service_draws
from expert_pool.rounds import service as service_rounds
from expert_pool.specialties import default_specialties
from expert_pool.views import service as service_views
from signing.draw.algorithm import refill_places
from signing.draw.errors import DrawError
from signing.draw.rules import ContributorRole
from signing.draw.transcript import Category
from web import errortext, i18n
from web.errormap import status_for
from web.errors import RequestInvalid, WebError
from web.expert_pool.page_common import (
    _form,
    _parse_local,
    _redirect,
    page,
    render,
)
from web.services import services


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
    page_ = await organisations.list_organisations(conn, actor, cursor=None, limit=200)
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
        raise PermissionDenied("only an agency requests a draw")
    try:
        department = UUID(form.get("department", ""))
    except ValueError:
        raise RequestInvalid("choose the supervising department") from None
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
        contributor = service_rounds.contributor_role(actor, draw)[0]
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
        # A complete evaluation draw: its replacement round for approved session
        # replacements (docs/formats/draw.md §4.1), and the entropy a release waits for.
        reopenable=draw.parties.purpose is Purpose.EVALUATION
        and draw.status is DrawStatus.COMPLETE,
        release_waiting=draw.status is DrawStatus.COMPLETE
        and draw.transcript is not None
        and bool(refill_places(draw.transcript.categories, draw.transcript.rounds)),
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
                raise RequestInvalid("the round is missing")
            size = form.get("checkpoint_size", "")
            if not size.isdigit():
                raise RequestInvalid("the checkpoint that fixes the commit is missing")
            fixed = service_rounds.FixedCommit(
                commit_hash=form.get("commit_hash", ""), checkpoint_size=int(size)
            )
            await service_rounds.contribute_entropy(
                conn, actor, draw_id, int(r), form.get("entropy", ""), fixed=fixed
            )
        case "approve-pool":
            await service_pools.approve_small_pool(conn, actor, draw_id, reason)
        case "replacement-round":
            await service_reopen.open_replacement_round(
                conn, actor, draw_id, _session_id(form), _seats(form.get("seats", ""))
            )
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
            raise RequestInvalid(f"unknown action {action!r}")


def _session_id(form: dict[str, str]) -> UUID:
    try:
        return UUID(form.get("session_id", "").strip())
    except ValueError:
        raise RequestInvalid("the session is an evaluation session's id") from None


def _seats(text: str) -> list[int]:
    """Seats as the staff type them: "3" or "3, 4" (either comma)."""
    parts = [p.strip() for p in text.replace("，", ",").split(",") if p.strip()]
    if not parts or not all(p.isdigit() and len(p) <= 2 for p in parts):
        raise RequestInvalid("name the seats as numbers, e.g. 3 or 3, 4")
    return [int(p) for p in parts]


async def draw_action(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    draw_id, action = request.path_params["id"], request.path_params["action"]
    form = await _form(request)
    try:
        await _act(conn, actor, draw_id, action, form)
    except (ExpertPoolError, DrawError, AccountsError, WebError, ValueError) as refused:
        text = errortext.text_for(refused, i18n.negotiate(request))  # the page's language
        return await draw_page(request, conn, actor, message=text, status=status_for(refused))
    return _redirect(f"/draws/{draw_id}?done={action}")


def routes() -> list[BaseRoute]:
    """The draws' pages."""
    return [
        Route("/draws", page(draws_page), methods=["GET"]),
        Route("/draws/new", page(new_draw_page), methods=["GET"]),
        Route("/draws/new", page(new_draw_submit), methods=["POST"]),
        Route("/draws/{id}", page(draw_page), methods=["GET"]),
        Route("/draws/{id}/do/{action}", page(draw_action), methods=["POST"]),
    ]
