"""SQL of an evaluation session's records in the archive (docs/formats/archive.md §4):
the session's rows by table name, and what identifies its committee only once the award
has published the session's draw (docs/formats/draw.md §13)."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

import asyncpg

# Records kept as rows (JSON, PostgreSQL's jsonb text of each row, in a stable order):
# the members, their conflict declarations (回避), replacements, faults, the
# qualification result, the ranking, who signed the report, who refused and why, the
# dissents, the hand-over. Each: (table, order, columns always left out).
SESSION_TABLES = {
    "members": ("evaluation_members", "seat, generation", ()),
    "declarations": ("evaluation_declarations", "seat, generation", ()),
    "replacements": ("evaluation_replacements", "requested_at, seat", ()),
    "faults": ("evaluation_faults", "to_jsonb(t)::text", ("venue_salt",)),
    "qualification_result": ("evaluation_qualification_results", "", ()),
    "ranking": ("evaluation_rankings", "", ()),
    "report_members": ("evaluation_report_members", "version, seat", ("salt",)),
    "report_refusals": ("evaluation_report_refusals", "version, seat", ()),
    "dissents": ("evaluation_dissents", "at, seat", ()),
    "result": ("evaluation_results", "", ()),
}
# A draw is secret until the tender's award publishes it (docs/formats/draw.md §13:
# "the award is the only way it becomes public"; 两随机、四不知). Until its row is in
# draw_publications the package — which the agency reads — leaves out what identifies
# the drawn committee: who sat in each seat (user ids), the salts that open the draw's
# and the session's log commitments, the certificates' fingerprints of the sealed name
# list (docs/formats/evaluation-report.md §4) and the venues the draw picked.
SEALED_OMIT = {
    "members": ("user_id", "salt", "venue_id"),
    "report_members": ("user_id", "cert_sha256"),
    "faults": ("venue_id",),
}


def _session_sql(name: str, sealed: bool) -> str:
    table, order, omit = SESSION_TABLES[name]
    if sealed:
        omit = (*omit, *SEALED_OMIT.get(name, ()))
    left_out = "".join(f" - '{column}'" for column in omit)
    by = f" ORDER BY {order}" if order else ""
    # Only the constant names above are spliced in, never input.
    return f"SELECT jsonb_agg(to_jsonb(t){left_out}{by})::text FROM {table} t WHERE session_id = $1"  # noqa: S608


SESSION_ROWS = {name: _session_sql(name, sealed=False) for name in SESSION_TABLES}
SESSION_ROWS_SEALED = {name: _session_sql(name, sealed=True) for name in SESSION_TABLES}
SELECT_DRAW_PUBLISHED = "SELECT EXISTS (SELECT FROM draw_publications WHERE draw_id = $1)"


async def draw_published(conn: asyncpg.Connection, draw_id: str) -> bool:
    """Whether the award published the draw (its committee is public from then on)."""
    return bool(await conn.fetchval(SELECT_DRAW_PUBLISHED, draw_id))


async def session_rows(
    conn: asyncpg.Connection, session_id: UUID, *, sealed: bool
) -> dict[str, Any]:
    """The session's records kept as rows, by name (absent when there are none);
    ``sealed``: the draw is not public, its committee's identities are left out."""
    found = {}
    for name, sql in (SESSION_ROWS_SEALED if sealed else SESSION_ROWS).items():
        text = await conn.fetchval(sql, session_id)
        if text is not None:
            found[name] = json.loads(text)
    return found
