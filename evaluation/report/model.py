"""The evaluation report (评标报告) as a document: canonical JSON bytes, no I/O.

DOMAIN.md, "Evaluation" and issue 11, item 7: the members, the opening record's hash,
every member's qualification findings with their Reg. 51 reasons, the rejected bids,
the clarification minutes, every score per member per bid per item (latest versions,
every revision listed), the deviations and their explanations, the price scores, the
aggregation, the ranking, at most 3 candidates, and dissent in the members' words. Every
member signs these exact bytes (RFC 8785 JSON: docs/formats/evaluation-report.md).

Names stay sealed until the award (两随机、四不知): the report goes to the tender's
agency and tenderer, so it names members by seat only, and binds each seat to its
holder's signing certificate by a salted commitment ``commit(cert_sha256, salt)``
(docs/audit-log.md §1.2). A bare certificate fingerprint would let a reader who has
seen the certificate elsewhere (an earlier tender's signed report, after its award)
recognise the expert; the salt, kept with the sealed name list, stops that, and anyone
given the list later recomputes the commitment from the signer's certificate.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from evaluation.method.rounding import div_half_up
from evaluation.model import EvaluationPolicy, MemberStatus, SessionState, SheetPhase, seat_label
from evaluation.report.errors import ReportMalformed
from evaluation.report.inputs import Clarification, Explanation, Flag, RevealedSheet
from evaluation.report.ranking import (
    Outcome,
    as_revealed,
    counted,
    entries_by_seat,
    latest,
    outcome_json,
    value_phase,
)
from evaluation.sheets import findings
from signing.canonical import canonical_json
from signing.log.entry import commit, format_time
from tender.codec import evaluation_to_json

FORMAT = "etender-evaluation-report-v1"
SHEET_ORDER = {SheetPhase.QUALIFICATION: 0, SheetPhase.SCORING: 1, SheetPhase.ADJUSTMENT: 2}


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class SealedMember:
    """One line of the sealed name list: who holds a seat, and the salt of its commitment."""

    seat: int
    generation: int
    user_id: UUID
    cert_sha256: str  # hex SHA-256 of the DER of the holder's registered certificate
    salt: bytes  # 32 random bytes, fresh for every version of the report

    @property
    def commitment(self) -> str:
        """What the report states for the seat (docs/formats/evaluation-report.md §4)."""
        return certificate_commitment(self.cert_sha256, self.salt)


def certificate_commitment(cert_sha256: str, salt: bytes) -> str:
    """commit(cert_sha256 as lowercase hex text, salt) of docs/audit-log.md §1.2."""
    return commit(cert_sha256, salt)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Dissent:
    """A member's dissent, in its own words (Reg. 53: written into the report)."""

    seat: int
    generation: int
    text: str
    at: datetime


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class ReportInputs:
    """Everything one version of the report is built from."""

    state: SessionState
    outcome: Outcome
    version: int
    drafted_at: datetime
    tender_code: str
    tender_title: str
    opening_records: Mapping[str, str]  # part (main/technical/commercial) → record SHA-256
    members: Mapping[int, SealedMember]  # seat → its current holder's sealed line
    sheets: tuple[RevealedSheet, ...]
    flags: tuple[Flag, ...]  # the deviation review's, as the session announced them
    explanations: tuple[Explanation, ...]
    clarifications: tuple[Clarification, ...]
    dissents: tuple[Dissent, ...]
    policy: EvaluationPolicy


def build_report(inputs: ReportInputs) -> dict[str, Any]:
    """The report's JSON object (docs/formats/evaluation-report.md §3, every field)."""
    state = inputs.state
    mine = counted(state, inputs.sheets)
    body: dict[str, Any] = {
        "format": FORMAT,
        "version": inputs.version,
        "session": str(state.id),
        "tender": {
            "id": str(state.tender_id),
            "code": inputs.tender_code,
            "title": inputs.tender_title,
        },
        "lot": state.lot,
        "attempt": state.attempt,
        "drafted_at": format_time(inputs.drafted_at),
        "method": evaluation_to_json(state.method),
        "two_envelope": state.two_envelope,
        "opening_records": [
            {"part": part, "sha256": sha} for part, sha in sorted(inputs.opening_records.items())
        ],
        "members": _members(inputs),
        "chair": state.chair_seat,
        "void": [
            {"seat": m.seat, "generation": m.generation, "status": str(m.status)}
            for m in sorted(state.members, key=lambda m: (m.seat, m.generation))
            if m.status is not MemberStatus.SEATED
        ],
        "bids": [
            {"bid": str(b.bid_id), "bidder": b.bidder, "name": b.name, "price_fen": b.price_fen}
            for b in sorted(state.bids, key=lambda b: str(b.bid_id))
        ],
        "sheets": _sheet_versions(mine),
        "qualification": _qualification(mine, inputs.outcome),
        "rejected": _rejected(mine, inputs.outcome),
        "clarifications": _clarifications(inputs.clarifications),
        "scores": _values(mine, SheetPhase.SCORING, "points"),
        "adjustments": _values(mine, SheetPhase.ADJUSTMENT, "fen"),
        "deviations": deviation_rows(inputs, mine),
        "outcome": outcome_json(state, inputs.outcome),
        "dissents": [
            {"seat": d.seat, "text": d.text, "at": format_time(d.at)}
            for d in sorted(inputs.dissents, key=lambda d: (d.at, d.seat))
        ],
    }
    return body


def report_bytes(inputs: ReportInputs) -> bytes:
    """The bytes every member signs: RFC 8785 canonical JSON of the report."""
    return canonical_json(build_report(inputs))


def parse_report(body: bytes) -> dict[str, Any]:
    """Strictly parse report bytes: canonical JSON of this format (else refused)."""
    try:
        value = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportMalformed("the report is not JSON") from exc
    if not isinstance(value, dict) or canonical_json(value) != body:
        raise ReportMalformed("the report is not an RFC 8785 canonical JSON object")
    if value.get("format") != FORMAT:
        raise ReportMalformed(f"not an evaluation report of format {FORMAT}")
    return value


def _members(inputs: ReportInputs) -> list[dict[str, Any]]:
    return [
        {
            "seat": m.seat,
            "label": seat_label(m.seat),
            "kind": str(m.kind),
            "generation": m.generation,
            "certificate": inputs.members[m.seat].commitment,
        }
        for m in inputs.state.seated
    ]


def _sheet_versions(sheets: Iterable[RevealedSheet]) -> list[dict[str, Any]]:
    """Every counted version: the revisions are listed with their written reasons."""
    ordered = sorted(sheets, key=lambda s: (SHEET_ORDER[s.phase], s.seat, s.version))
    return [
        {
            "phase": str(s.phase),
            "seat": s.seat,
            "generation": s.generation,
            "version": s.version,
            "sha256": s.sha256,
            "revealed_at": format_time(s.revealed_at),
            "reasons": None if s.reasons is None else [dict(r) for r in s.reasons],
        }
        for s in ordered
    ]


def _qualification(sheets: list[RevealedSheet], outcome: Outcome) -> dict[str, Any]:
    written = []
    for seat, sheet in sorted(latest(sheets, SheetPhase.QUALIFICATION).items()):
        for entry in sheet.entries:
            written.append({"seat": seat, **entry})
    # The session's own announcement (evaluation/sheets/findings.py), word for word.
    result = findings.result_json(sorted(outcome.verdicts.values(), key=lambda q: str(q.bid)))
    return {"findings": sorted(written, key=_entry_key), "result": result}


def _rejected(sheets: list[RevealedSheet], outcome: Outcome) -> list[dict[str, Any]]:
    """Each rejected bid, its Reg. 51 reasons and the written explanations of the members
    who refused the items it failed (a price above the ceiling is the method's finding,
    not a member's: no explanation)."""
    found = latest(sheets, SheetPhase.QUALIFICATION)
    rejected: list[dict[str, Any]] = [
        {"bid": str(bid), "reasons": [str(reason)], "explanations": []}
        for bid, reason in outcome.price_rejected.items()
    ]
    for bid, verdict in outcome.verdicts.items():
        if verdict.passed:
            continue
        failed = {v.item for v in verdict.items if not v.passed}
        explanations = [
            {
                "seat": seat,
                "item": e["item"],
                "reason": e["reason"],
                "explanation": e["explanation"],
            }
            for seat, sheet in sorted(found.items())
            for e in sheet.entries
            if e["bid"] == str(bid) and not e["pass"] and e["item"] in failed
        ]
        rejected.append(
            {
                "bid": str(bid),
                "reasons": [str(r) for r in verdict.reasons],
                "explanations": explanations,
            }
        )
    return sorted(rejected, key=lambda r: r["bid"])


def _clarifications(items: Iterable[Clarification]) -> list[dict[str, Any]]:
    return [
        {
            "bid": str(c.bid),
            "question": c.question,
            "answer": c.answer,
            "asked_at": format_time(c.asked_at),
            "answered_at": None if c.answered_at is None else format_time(c.answered_at),
            "refusal": c.refusal,
            "refused_at": None if c.refused_at is None else format_time(c.refused_at),
        }
        for c in sorted(items, key=lambda c: (c.asked_at, str(c.bid)))
    ]


def _values(sheets: list[RevealedSheet], phase: SheetPhase, key: str) -> list[dict[str, Any]]:
    """Each member's value per bid per item, from its latest version of ``phase``."""
    rows = [
        {"seat": seat, "bid": e["bid"], "item": e["item"], key: e[key], "version": sheet.version}
        for seat, sheet in latest(sheets, phase).items()
        for e in sheet.entries
    ]
    return sorted(rows, key=_entry_key)


def deviation_rows(inputs: ReportInputs, sheets: list[RevealedSheet]) -> list[dict[str, Any]]:
    """The scores the deviation review flagged when the sheets were revealed, as the
    session announced them (evaluation/sheets), with the explanation or the revision
    (comprehensive scoring: lowest evaluated price has no scores to review)."""
    phase = value_phase(inputs.state)
    if phase is not SheetPhase.SCORING:
        return []
    key = "points"
    revealed = entries_by_seat(as_revealed(sheets, phase))
    final = entries_by_seat(latest(sheets, phase))
    rows = []
    for flag in sorted(inputs.flags, key=lambda f: (f.seat, str(f.bid), f.item)):
        others = [
            _value(v, flag.bid, flag.item, key) for s, v in revealed.items() if s != flag.seat
        ]
        known = [v for v in others if v is not None]
        rows.append(
            {
                "phase": str(phase),
                "seat": flag.seat,
                "bid": str(flag.bid),
                "item": flag.item,
                "value": _value(revealed.get(flag.seat, []), flag.bid, flag.item, key),
                # evaluation-method.md §3.4: the others' mean shown as ½↑(S / k).
                "others_mean": div_half_up(sum(known), len(known)) if known else None,
                "final": _value(final.get(flag.seat, []), flag.bid, flag.item, key),
                "explanation": _explanation(inputs, phase, flag.seat, flag.bid, flag.item),
            }
        )
    return rows


def _value(entries: Iterable[Mapping[str, Any]], bid: UUID, item: str, key: str) -> int | None:
    return next((e[key] for e in entries if (e["bid"], e["item"]) == (str(bid), item)), None)


def _explanation(
    inputs: ReportInputs, phase: SheetPhase, seat: int, bid: UUID, item: str
) -> str | None:
    holder = {m.seat: m.generation for m in inputs.state.seated}.get(seat)
    found = [
        e
        for e in inputs.explanations
        if (e.phase, e.seat, e.generation, e.bid, e.item) == (phase, seat, holder, bid, item)
    ]
    return max(found, key=lambda e: e.at).text if found else None


def _entry_key(row: Mapping[str, Any]) -> tuple[int, str, str]:
    return (row["seat"], row["bid"], row["item"])
