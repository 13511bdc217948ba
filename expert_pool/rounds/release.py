"""The own seed of a release round (docs/formats/draw.md §4.2; DESIGN.md, trust model 4:
"nobody steers the expert draw").

Once a committee is complete, ``platform_seed`` is revealed to supervisors, so they know
``key_0``. A round opened after that — the 补抽 of a released member
(expert_pool.requests.reopen) or the refill of one of its picks who declines or times
out — would be keyed from ``key_0`` and the supervisor's ``e_r`` alone: the supervisor
could try values of ``e_r`` offline and send the one that picks the expert they want.
So such a *release round* gets 32 fresh random bytes of its own, committed in a
``draw.round_committed`` entry when the round opens — before any entropy for it exists
— and mixed into its key. Entropy is refused until a signed checkpoint covers that
entry (as for the draw's commit), and the seed is revealed with the round's result:
to supervisors once none of the round's picks still waits for an answer.

The seed is kept exactly as ``draws.platform_seed`` is: a column the platform reads for
the draw step, served only once revealed.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

import asyncpg

from accounts.model import Actor
from expert_pool import journal
from expert_pool.draws.model import DrawStatus, Member, MemberStatus, StoredDraw
from expert_pool.events import PoolEvent
from expert_pool.rounds import queries as queries_rounds
from expert_pool.rounds.queries import RoundSeed
from signing.draw.algorithm import reveal_round_seed
from signing.draw.derive import SEED_BYTES, seed_commitment
from signing.draw.transcript import Transcript


def opens_release_round(draw: StoredDraw) -> bool:
    """Whether a round opened now is a release round: the platform seed is revealed."""
    return draw.seed_revealed_at is not None


async def commit_round_seed(
    conn: asyncpg.Connection, draw: StoredDraw, r: int, *, actor: Actor | None, role: object
) -> RoundSeed:
    """Draw and commit release round r's own seed, once (a later release into the same,
    not yet drawn round keeps it: no entropy for it exists yet)."""
    found = (await queries_rounds.round_seeds(conn, draw.id)).get(r)
    if found is not None:
        return found
    seed = secrets.token_bytes(SEED_BYTES)
    commitment = seed_commitment(seed)
    _, index = await journal.append(
        conn,
        PoolEvent.DRAW_ROUND_COMMITTED,
        actor=actor,
        role=role,
        subject=("draw", draw.id),
        data={"draw_id": draw.id, "r": r, "seed_commitment": commitment},
    )
    await queries_rounds.insert_round_seed(conn, draw.id, r, seed, commitment, index)
    return RoundSeed(r=r, seed=seed, log_index=index)


def _result_known(draw: StoredDraw, members: Sequence[Member], r: int) -> bool:
    if draw.status is DrawStatus.CANCELLED or draw.awarded_at is not None:
        return True
    return all(m.status is not MemberStatus.NOTIFIED for m in members if m.r == r)


async def reveal_round_seeds(
    conn: asyncpg.Connection, draw: StoredDraw, members: Sequence[Member], shown: Transcript
) -> Transcript:
    """The transcript with every drawn release round's seed whose result is known."""
    seeds = await queries_rounds.round_seeds(conn, draw.id)
    for rd in shown.rounds:
        if rd.is_release and rd.r in seeds and _result_known(draw, members, rd.r):
            shown = reveal_round_seed(shown, rd.r, seeds[rd.r].seed)
    return shown
