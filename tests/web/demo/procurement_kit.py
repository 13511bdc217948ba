"""The demo's procurement projects, checked by the home page's test (tests/web/demo/
test_home_stages.py) on the same loaded demo — not a test item of its own, so that no
xdist worker loads the demo for it alone (the slow tests are spread over the workers).

One project per method, each at a stage to act on (issue 18, item 4;
web/demo/procurement.py): a negotiation in round 1 with two of its three suppliers'
quotations in, RFQ and consultation published, single source in its publicity with one
objection unanswered — and its log names no invited supplier."""

from __future__ import annotations

import asyncpg
import httpx

from procurement import queries
from procurement.model import Method
from procurement.negotiation import queries as rounds
from procurement.single_source import queries as objections
from tests.procurement.kit import assert_names_none, project_log
from tests.web.demo.conftest import DemoTemplate
from web.demo.procurement import INVITED, QUOTES, TITLES


async def assert_a_project_of_each_method_at_a_useful_stage(
    client: httpx.AsyncClient, pool: asyncpg.Pool, demo_template: DemoTemplate
) -> None:
    assert demo_template.loaded.stages is not None
    projects = {p.method: p for p in demo_template.loaded.stages.projects}
    assert set(projects) == set(TITLES)
    async with pool.acquire() as conn:
        for project in projects.values():
            found = await queries.project(conn, project.tender_id)
            assert found is not None
            assert found.checked_at is not None  # published through its method's checks
        negotiation = projects[Method.NEGOTIATION].tender_id
        [first] = await rounds.rounds(conn, negotiation)
        assert (first.number, first.is_open, first.final) == (1, True, False)
        assert len(await rounds.quotations(conn, negotiation, round=1)) == len(QUOTES)
        single = projects[Method.SINGLE_SOURCE].tender_id
        [objection] = await objections.objections(conn, single)
        assert objection.outcome is None
        now = await conn.fetchval("SELECT now()")
        ends = (await queries.project(conn, single)).publicity_ends_at  # type: ignore[union-attr]
        assert ends is not None
        assert ends > now  # in its publicity
        users = await conn.fetch(
            "SELECT u.id, o.id AS org, o.credit_code, o.name FROM users u "
            "JOIN organisations o ON o.id = u.organisation_id WHERE u.username = ANY($1)",
            list(INVITED),
        )
        names = {str(r[k]) for r in users for k in ("id", "org", "credit_code", "name")}
        log = await project_log(conn, negotiation)
    assert_names_none(log, names)  # the outside tester's attack, on the demo's data
    for project in projects.values():
        page = await client.get(f"/procurement/{project.tender_id}")
        assert page.status_code == 200
        assert project.title in page.text
