"""The report's commands of the evaluation session: rank, draft, dissent, sign, refuse.

docs/formats/evaluation-report.md §7 has each command's data, events and refusals. Each
handler checks who may do what before it writes anything (a refusal rolls the command's
transaction back), then calls one use case of evaluation/report/service.py. Audiences
(EVAL_PLAN.md; evaluation/room): ``all`` sees seats and hashes only; the ranking's
figures and a member's own words (a dissent, a refusal's reason) go to ``role:panel``,
the committee and staff alike, as one event.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from evaluation.errors import EvaluationCommandInvalid
from evaluation.events import EvaluationEvent
from evaluation.guards import field, require_chair, require_member, require_phase, text
from evaluation.handlers import Ctx, Handlers
from evaluation.model import Phase
from evaluation.report import service
from evaluation.report.queries import StoredReport
from evaluation.report.ranking import outcome_json
from evaluation.venues.service import open_handovers
from live.model import EVERYONE, Emit
from signing.canonical import canonical_json, sha256_hex

# The committee and staff alike (evaluation/room declares it; live_events accepts the
# ``role:`` prefix, migration 0003). TODO(integrator): import PANEL from
# evaluation.sessions.views (branch ``core``) instead of spelling it here.
PANEL = "role:panel"

TEXT_LIMIT = 4000  # a dissent or a refusal's reason (0059: length 1–4000)
SIGNATURE_LIMIT = 65536  # bytes of a CMS signature (0059)
_SHA256 = re.compile(r"[0-9a-f]{64}")
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


def _panel(kind: str, data: dict[str, Any]) -> list[Emit]:
    return [Emit(kind=kind, data=data, audience=PANEL)]


def _drafted(report: StoredReport, cause: str) -> Emit:
    data = {"sha256": report.sha256, "version": report.version, "cause": cause}
    return Emit(kind="report.drafted", data=data, audience=EVERYONE)


async def rank(ctx: Ctx) -> list[Emit]:
    """Chair, ranking phase: the outcome computed from the revealed sheets, announced."""
    require_phase(ctx, Phase.RANKING)
    require_chair(ctx)
    outcome = await service.announce_ranking(ctx)
    data = outcome_json(ctx.state, outcome)
    sha256 = sha256_hex(canonical_json(data))
    await ctx.ops.log(ctx, EvaluationEvent.RANKED, {"ranking_sha256": sha256})
    return _panel("ranking", {**data, "sha256": sha256})


async def draft_report(ctx: Ctx) -> list[Emit]:
    """Chair: the first draft (ranking → signing), or a redraft while signing."""
    require_phase(ctx, Phase.RANKING, Phase.SIGNING)
    require_chair(ctx)
    cause = "draft" if ctx.state.phase is Phase.RANKING else "redraft"
    report = await service.draft(ctx)
    await _log_draft(ctx, report, cause)
    emits = [_drafted(report, cause)]
    if ctx.state.phase is Phase.RANKING:
        emits += await ctx.ops.advance(ctx)
    return emits


async def _log_draft(ctx: Ctx, report: StoredReport, cause: str, **extra: Any) -> None:
    data = {"version": report.version, "sha256": report.sha256, "cause": cause, **extra}
    await ctx.ops.log(ctx, EvaluationEvent.REPORT_DRAFTED, data)


async def dissent(ctx: Ctx) -> list[Emit]:
    """Member, signing: the dissent is written into a new version (Reg. 53)."""
    require_phase(ctx, Phase.SIGNING)
    member = require_member(ctx)
    words = text(ctx.data, "text", limit=TEXT_LIMIT)
    assert words is not None
    report = await service.record_dissent(ctx, member, words)
    # The log is public: it holds the words' hash, the report holds the words.
    digest = sha256_hex(words.encode())
    await _log_draft(ctx, report, "dissent", seat=member.seat, dissent_sha256=digest)
    words_event = {"seat": member.seat, "text": words, "version": report.version}
    return [_drafted(report, "dissent"), *_panel("report.dissent", words_event)]


def _sha256(ctx: Ctx) -> str:
    value: str = field(ctx.data, "sha256", str)
    if not _SHA256.fullmatch(value):
        raise EvaluationCommandInvalid(
            "'sha256' is 64 lowercase hex digits", details={"field": "sha256"}
        )
    return value


def _signature(ctx: Ctx) -> bytes:
    value: str = field(ctx.data, "signature", str)
    invalid = EvaluationCommandInvalid(
        f"'signature' is a DER CMS signature of at most {SIGNATURE_LIMIT} bytes, "
        "base64url without padding",
        details={"field": "signature"},
    )
    if not value or len(value) > SIGNATURE_LIMIT * 4 // 3 + 4 or not _BASE64URL.fullmatch(value):
        raise invalid
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise invalid from None
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode() != value or len(raw) > SIGNATURE_LIMIT:
        raise invalid  # a non-canonical spelling of the same bytes is not accepted either
    return raw


async def sign_report(ctx: Ctx) -> list[Emit]:
    """Member, signing: a CMS detached signature over the current version's bytes."""
    require_phase(ctx, Phase.SIGNING)
    member = require_member(ctx)
    sha256, signature = _sha256(ctx), _signature(ctx)
    report = await service.sign(ctx, member, sha256, signature)
    data = {"seat": member.seat, "version": report.version, "sha256": report.sha256}
    await ctx.ops.log(ctx, EvaluationEvent.REPORT_SIGNED, data)
    emits = [Emit(kind="report.signed", data=data, audience=EVERYONE)]
    return emits + await _close_if_done(ctx, report)


async def refuse_report(ctx: Ctx) -> list[Emit]:
    """Member, signing: refuse; without a written reason it counts as agreement (Reg. 53)."""
    require_phase(ctx, Phase.SIGNING)
    member = require_member(ctx)
    reason = text(ctx.data, "reason", limit=TEXT_LIMIT, optional=True)
    report, answer = await service.refuse(ctx, member, reason)
    data = {
        "seat": member.seat,
        "version": report.version,
        "counted_as_agreement": answer.counted_as_agreement,
    }
    await ctx.ops.log(ctx, EvaluationEvent.REPORT_REFUSED, data)
    emits = [Emit(kind="report.refused", data=data, audience=EVERYONE)]
    if reason is not None:
        emits += _panel("report.refusal_reason", {"seat": member.seat, "reason": reason})
    return emits + await _close_if_done(ctx, report)


async def _close_if_done(ctx: Ctx, report: StoredReport) -> list[Emit]:
    """Every seated member answered: the session closes and the candidates go to the tender."""
    if not await service.everyone_answered(ctx, report):
        return []
    emits = await ctx.ops.advance(ctx)
    result = await service.close(ctx, report)
    # DOMAIN.md, "Remote cross-city evaluation": each assisting venue hands its records
    # over within the policy's working days of this close, expected from now.
    await open_handovers(ctx)
    candidates = [str(c) for c in result.candidates]
    data = {"report_sha256": report.sha256, "version": report.version, "candidates": candidates}
    await ctx.ops.log(ctx, EvaluationEvent.CLOSED, data)
    closed = {"report_sha256": report.sha256, "candidates": candidates}
    return [*emits, Emit(kind="session.closed", data=closed, audience=EVERYONE)]


HANDLERS: Handlers = {
    "rank": rank,
    "draft_report": draft_report,
    "dissent": dissent,
    "sign_report": sign_report,
    "refuse_report": refuse_report,
}

# Every event kind the handlers emit (the room declares them: live/kinds.py).
EVENTS = frozenset(
    {
        "ranking",
        "report.drafted",
        "report.dissent",
        "report.signed",
        "report.refused",
        "report.refusal_reason",
        "session.closed",
    }
)
