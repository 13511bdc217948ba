"""A demo-like history for the dashboard: four tenders of two departments, awards with
their savings, one failure, local and cross-city evaluations, expert services by county
and a published agency assessment — inserted with real SQL (tests/supervision/factory.py).
"""

from __future__ import annotations

import datetime as dt

import asyncpg

from supervision.agencies import service as agencies
from supervision.agencies.formula import SHIPPED, load_formula
from supervision.agencies.model import RegistrationInput
from tests.supervision import factory as f
from tests.supervision.factory import People, cst

FIRST, LAST = dt.date(2026, 1, 1), dt.date(2026, 6, 30)
YUAN = 100  # fen


async def demo_history(conn: asyncpg.Connection, people: People) -> None:
    """The history the dashboard tests count (expected values beside each test)."""
    main = await f.a_venue(conn, "xc-main", "341802")
    langxi = await f.a_venue(conn, "xc-langxi", "341821")
    hefei = await f.a_venue(conn, "hf-1", "340102")
    a = await f.a_tender(
        conn, people, published_at=cst(2026, 3, 2), estimate_fen=1_000_000 * YUAN,
        status="awarded",
    )  # fmt: skip
    b = await f.a_tender(
        conn, people, published_at=cst(2026, 3, 10), category="goods",
        tenderer=people.county_tenderer, estimate_fen=500_000 * YUAN, status="awarded",
    )  # fmt: skip
    c = await f.a_tender(
        conn, people, published_at=cst(2026, 3, 20), category="services",
        estimate_fen=200_000 * YUAN, status="failed",
    )  # fmt: skip
    d = await f.a_tender(
        conn, people, published_at=cst(2026, 5, 5), department=people.other_department,
        tenderer=people.county_tenderer, estimate_fen=2_000_000 * YUAN,
        agency=people.other_agency, status="awarded",
    )  # fmt: skip
    await f.award(conn, people, a, price_fen=900_000 * YUAN, decided_at=cst(2026, 4, 11))
    await f.award(conn, people, b, price_fen=475_000 * YUAN, decided_at=cst(2026, 4, 9))
    await f.award(conn, people, d, price_fen=1_800_000 * YUAN, decided_at=cst(2026, 6, 24))
    await f.failed(conn, c, cst(2026, 4, 15))
    draw_a = await f.evaluation_draw(conn, people, a, starts=cst(2026, 4, 1), venues=(main, langxi))
    draw_b = await f.evaluation_draw(conn, people, b, starts=cst(2026, 4, 2), venues=(main, hefei))
    draw_d = await f.evaluation_draw(
        conn, people, d, starts=cst(2026, 6, 1), venues=(main,),
        department=people.other_department,
    )  # fmt: skip
    served = dt.date(2026, 4, 1)
    for expert, region, draw in (
        ("e1", "341821", draw_a), ("e2", "341821", draw_a), ("e3", "341881", draw_a),
        ("e4", "341881", draw_b), ("e5", "340102", draw_b), ("e6", "341821", draw_d),
    ):  # fmt: skip
        await f.expert_service(conn, expert, region, served, draw)
    for number, org in (("AH-001", people.agency), ("AH-002", people.other_agency)):
        await agencies.register_agency(
            conn, people.staff,
            RegistrationInput(organisation_id=org.id, registration_number=number,
                              registered_on=dt.date(2025, 1, 1)),
        )  # fmt: skip
    formula = load_formula(SHIPPED.read_text(encoding="utf-8"))
    await agencies.publish_assessments(conn, people.staff, FIRST, LAST, formula)
