"""Use cases of credit supervision: violations, sanctions, the red and black lists, their
appeals, and the refusal of a blacklisted party (issue 14, item 2: 失信惩戒).

Each use case owns its transaction and logs its change in it (DESIGN.md,
"Architecture"); bad input is refused before anything is written. Times are passed in.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from accounts import credit_code as credit_codes
from accounts.errors import AccountsError
from accounts.model import Actor, require_aware
from supervision.credit import queries
from supervision.credit.errors import (
    CreditAppealDecided,
    CreditAppealNotFound,
    CreditAppealNotYours,
    CreditAppealPending,
    CreditEntryExists,
    CreditEntryNotFound,
    CreditInputInvalid,
    PartyBlacklisted,
    SanctionFindingMissing,
    ViolationNotFound,
)
from supervision.credit.events import CreditEvent
from supervision.credit.model import (
    Appeal,
    AppealDecision,
    AppealState,
    FindingSource,
    Gate,
    ListEntry,
    ListKind,
    Sanction,
    SanctionKind,
    Violation,
    blocking,
    choice,
    entry_basis,
    finding,
    term,
    text,
)
from supervision.parties import access, journal
from supervision.parties.queries import party_by_code
from supervision.parties.service import require_party

# --- the refusal (trust first) --------------------------------------------------------


async def require_not_blacklisted(
    conn: asyncpg.Connection,
    organisation_id: UUID,
    action: Gate | str,
    now: datetime,
    *,
    actor: Actor | None = None,
    role: str = "party",
) -> None:
    """Refuse a party on the black list now: ``party_blacklisted`` (403) with the reason
    and the entry it rests on; the refusal is logged (and commits) first."""
    found = blocking(await queries.entries_of(conn, organisation_id), require_aware(now))
    if found is not None:
        await _refuse(conn, found, Gate(action), actor, role, require_aware(now))


async def require_code_not_blacklisted(
    conn: asyncpg.Connection,
    credit_code: str,
    action: Gate | str,
    now: datetime,
    *,
    actor: Actor | None = None,
    role: str = "party",
) -> None:
    """The same, for a party known only by its credit code (it is registering: the actor
    is the one registering it, in ``role``)."""
    try:
        code = credit_codes.normalise(credit_code)
    except AccountsError:
        return  # not a credit code: the registration refuses it itself
    found = blocking(await queries.entries_by_code(conn, code), require_aware(now))
    if found is not None:
        await _refuse(conn, found, Gate(action), actor, role, require_aware(now))


async def _refuse(
    conn: asyncpg.Connection,
    entry: ListEntry,
    action: Gate,
    actor: Actor | None,
    role: str,
    now: datetime,
) -> None:
    # The tender a refused download or bid was for is not logged: who means to bid stays
    # secret until the deadline (DESIGN.md, "Transparency log").
    data = {
        "action": str(action),
        "entry_id": str(entry.id),
        "organisation_id": str(entry.organisation_id) if entry.organisation_id else None,
        "credit_code": entry.credit_code,
    }
    async with conn.transaction():
        # Logged once per (entry, action, actor, Beijing day), counted every time: a
        # party retrying in a loop must not grow the transparency log without bound.
        actor_id = actor.user_id if actor is not None else None
        if await queries.count_refusal(conn, entry.id, str(action), actor_id, now):
            await journal.append(
                conn, CreditEvent.REFUSED, actor=actor, role=role,
                subject=("credit_list_entry", str(entry.id)), data=data,
            )  # fmt: skip
    raise PartyBlacklisted(
        f"the party is on the black list until {entry.ends_at.date().isoformat()}"
        f" (entry {entry.id}): {entry.basis}",
        details={
            "action": str(action),
            "entry_id": str(entry.id),
            "basis": entry.basis,
            "basis_ref": entry.basis_ref,
            "source": str(entry.source),
            "starts_at": entry.starts_at.isoformat(),
            "ends_at": entry.ends_at.isoformat(),
        },
    )


# --- violations and sanctions -----------------------------------------------------------


async def record_violation(
    conn: asyncpg.Connection,
    actor: Actor,
    *,
    organisation_id: UUID,
    kind: str,
    description: str,
    finding_source: str | None,
    finding_ref: str | None,
    found_at: datetime,
    now: datetime,
    tender_id: UUID | None = None,
) -> Violation:
    """A supervisor records a party's violation, resting on a finding (issue 14)."""
    department = access.department_of(actor, "record_violation")
    source, ref = finding(finding_source, finding_ref)
    kind = text("kind", kind, most=64)
    if not kind.replace("_", "").isalpha() or not kind.islower():
        raise CreditInputInvalid("kind is lower-case letters and _", details={"field": "kind"})
    description = text("description", description, most=2000)
    if require_aware(found_at) > require_aware(now):
        # A finding is a fact already established: one dated in the future would count
        # against the party's credit before it happened (and outlive its window).
        raise CreditInputInvalid(
            "a violation cannot be found in the future", details={"field": "found_at"}
        )
    async with conn.transaction():
        await require_party(conn, organisation_id)
        found = await queries.insert_violation(
            conn, organisation_id, kind, description, str(source), ref, tender_id,
            require_aware(found_at), department, actor.user_id, require_aware(now),
        )  # fmt: skip
        await journal.append(
            conn, CreditEvent.VIOLATION_RECORDED, actor=actor, role="supervisor",
            subject=("violation", str(found.id)),
            data={"organisation_id": str(organisation_id), "kind": kind,
                  "finding_source": str(source), "finding_ref": ref},
        )  # fmt: skip
    return found


async def impose_sanction(
    conn: asyncpg.Connection,
    actor: Actor,
    *,
    violation_id: UUID | None,
    kind: str,
    detail: str,
    starts_at: datetime,
    now: datetime,
    ends_at: datetime | None = None,
    amount_fen: int | None = None,
) -> Sanction:
    """A sanction for a recorded violation: without one it rests on no finding."""
    department = access.department_of(actor, "impose_sanction")
    if violation_id is None:
        raise SanctionFindingMissing(
            "a sanction rests on a recorded violation and its finding: name the violation",
            details={"field": "violation_id"},
        )
    sanction_kind = choice(SanctionKind, "kind", kind)
    detail = text("detail", detail, most=2000)
    term(require_aware(starts_at), ends_at and require_aware(ends_at))
    if (sanction_kind is SanctionKind.FINE) != (amount_fen is not None) or (
        amount_fen is not None and not 1 <= amount_fen <= 9007199254740991
    ):
        raise CreditInputInvalid(
            "a fine names its amount in fen; no other sanction does",
            details={"field": "amount_fen"},
        )
    async with conn.transaction():
        violation = await queries.violation(conn, violation_id)
        if violation is None:
            raise ViolationNotFound("no violation has this id")
        found = await queries.insert_sanction(
            conn, violation_id, str(sanction_kind), detail, amount_fen, starts_at, ends_at,
            department, actor.user_id, require_aware(now),
        )  # fmt: skip
        await journal.append(
            conn, CreditEvent.SANCTION_IMPOSED, actor=actor, role="supervisor",
            subject=("sanction", str(found.id)),
            data={"violation_id": str(violation_id), "kind": str(sanction_kind),
                  "organisation_id": str(violation.organisation_id)},
        )  # fmt: skip
    return found


# --- the lists --------------------------------------------------------------------------


async def enter_list(
    conn: asyncpg.Connection,
    actor: Actor,
    *,
    list_kind: str,
    basis: str,
    basis_ref: str,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
    organisation_id: UUID | None = None,
    credit_code: str | None = None,
    violation_id: UUID | None = None,
    source: str | None = None,
) -> ListEntry:
    """Put a party on the red or black list for a term, with its basis (失信惩戒).

    A black entry rests on a recorded violation (its source is the violation's finding)
    or, source ``authority``, on another authority's list naming a credit code, which
    may belong to a party not registered yet.
    """
    department = access.department_of(actor, "enter_credit_list")
    kind = choice(ListKind, "list", list_kind)
    basis, basis_ref = text("basis", basis, most=2000), text("basis_ref", basis_ref, most=200)
    term(require_aware(starts_at), require_aware(ends_at))
    async with conn.transaction():
        violation = None
        if violation_id is not None:
            violation = await queries.violation(conn, violation_id)
            if violation is None:
                raise ViolationNotFound("no violation has this id")
            organisation_id = organisation_id or violation.organisation_id
            if organisation_id != violation.organisation_id:
                raise CreditInputInvalid(
                    "the violation is another party's", details={"field": "violation_id"}
                )
        entry_source = violation.finding_source if violation else _source(source)
        entry_basis(kind, entry_source, violation_id)
        code = await _code(conn, organisation_id, credit_code, entry_source)
        if organisation_id is None:
            # An authority's list naming a registered party's code is that party's entry:
            # it sees it, appeals it, and its credit counts it (outside tester, M2).
            named = await party_by_code(conn, code)
            organisation_id = named.id if named is not None else None
        if violation_id is not None:
            await _one_entry_per_violation(conn, violation_id, kind, code)
        entry_id = await queries.insert_entry(
            conn, organisation_id, code, str(kind), str(entry_source), violation_id, basis,
            basis_ref, starts_at, ends_at, department, actor.user_id, require_aware(now),
        )  # fmt: skip
        await journal.append(
            conn, CreditEvent.LIST_ENTERED, actor=actor, role="supervisor",
            subject=("credit_list_entry", str(entry_id)),
            data={"list": str(kind), "organisation_id": str(organisation_id)
                  if organisation_id else None, "credit_code": code,
                  "source": str(entry_source), "basis": basis, "basis_ref": basis_ref,
                  "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat(),
                  "violation_id": str(violation_id) if violation_id else None},
        )  # fmt: skip
        created = await queries.entry(conn, entry_id)
    assert created is not None  # just inserted, in this transaction
    return created


async def _one_entry_per_violation(
    conn: asyncpg.Connection, violation_id: UUID, kind: ListKind, code: str
) -> None:
    """One entry per violation and list: a second would stack the same finding, and one
    after an upheld appeal would undo the appeal (outside tester, M1)."""
    for entry in await queries.entries_by_code(conn, code):
        if entry.violation_id == violation_id and entry.list is kind:
            raise CreditEntryExists(
                "this violation has its entry on this list already"
                + (" — revoked by an upheld appeal, which stands" if entry.revoked_at else ""),
                details={"entry_id": str(entry.id)},
            )


def _source(source: str | None) -> FindingSource:
    if not source:
        raise CreditInputInvalid(
            "an entry without a violation names its source", details={"field": "source"}
        )
    return choice(FindingSource, "source", source)


async def _code(
    conn: asyncpg.Connection,
    organisation_id: UUID | None,
    credit_code: str | None,
    source: FindingSource,
) -> str:
    """The entry's credit code: the party's, or (an authority's list) the one given."""
    if organisation_id is not None:
        return (await require_party(conn, organisation_id)).credit_code
    if source is not FindingSource.AUTHORITY or not credit_code:
        raise CreditInputInvalid(
            "name the party (organisation_id); only an authority's list names a credit code",
            details={"field": "organisation_id"},
        )
    try:
        return credit_codes.normalise(credit_code)
    except AccountsError as bad:
        raise CreditInputInvalid(bad.message, details={"field": "credit_code"}) from None


# --- appeals ------------------------------------------------------------------------------


async def file_appeal(
    conn: asyncpg.Connection, actor: Actor, entry_id: UUID, grounds: str, now: datetime
) -> Appeal:
    """The listed party appeals its entry (one pending appeal at a time)."""
    grounds = text("grounds", grounds, most=4000)
    async with conn.transaction():
        if not await queries.lock_entry(conn, entry_id):
            raise CreditEntryNotFound("no list entry has this id")
        entry = await queries.entry(conn, entry_id)
        assert entry is not None  # locked above
        if entry.organisation_id is None or entry.organisation_id != actor.organisation_id:
            raise CreditAppealNotYours(
                "only the listed party appeals its entry", details={"entry_id": str(entry_id)}
            )
        if entry.appeal_state is AppealState.PENDING:
            raise CreditAppealPending("this entry's appeal awaits its decision")
        if entry.revoked_at is not None:
            raise CreditAppealDecided("this entry was revoked on appeal already")
        filed = await queries.insert_appeal(
            conn, entry_id, entry.organisation_id, grounds, actor.user_id, require_aware(now)
        )
        await queries.set_appeal_state(conn, entry_id, AppealState.PENDING, now)
        await journal.append(
            conn, CreditEvent.APPEAL_FILED, actor=actor, role="party",
            subject=("credit_appeal", str(filed.id)),
            data={"entry_id": str(entry_id), "organisation_id": str(entry.organisation_id)},
        )  # fmt: skip
    return filed


async def decide_appeal(
    conn: asyncpg.Connection,
    actor: Actor,
    appeal_id: UUID,
    decision: str,
    reasons: str,
    now: datetime,
) -> Appeal:
    """A supervisor of the entering department decides, once; upheld revokes the entry."""
    decided = choice(AppealDecision, "decision", decision)
    reasons = text("reasons", reasons, most=4000)
    async with conn.transaction():
        found = await queries.appeal(conn, appeal_id)
        if found is None:
            raise CreditAppealNotFound("no appeal has this id")
        await queries.lock_entry(conn, found.entry_id)
        entry = await queries.entry(conn, found.entry_id)
        assert entry is not None  # an appeal's entry is never deleted
        access.require_department(actor, entry.department_id, "decide_credit_appeal")
        if found.decision is not None:
            raise CreditAppealDecided("this appeal is decided already")
        done = await queries.decide_appeal(
            conn, appeal_id, str(decided), reasons, actor.user_id, require_aware(now)
        )
        await queries.set_appeal_state(conn, entry.id, AppealState(str(decided)), now)
        await journal.append(
            conn, CreditEvent.APPEAL_DECIDED, actor=actor, role="supervisor",
            subject=("credit_appeal", str(appeal_id)),
            data={"entry_id": str(entry.id), "decision": str(decided), "reasons": reasons},
        )  # fmt: skip
    return done
