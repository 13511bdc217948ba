"""The agency pages, role by role: every message translated, the registry and a record
for centre staff and supervisors, a refusal page for others, the public results; the
formula is checked when the application is built."""

from __future__ import annotations

import json
import re
from pathlib import Path

import asyncpg
import httpx
import pytest

from supervision.agencies.errors import AssessmentFormulaInvalid
from supervision.agencies.formula import FACTS, SHIPPED
from supervision.agencies.model import InspectionKind, Severity, StaffRole
from supervision.statistics.model import CHARTS
from tender.model import Category
from tests.supervision.factory import People
from tests.web.supervision.kit import fixture_people, token
from web.app import create_app
from web.settings import Settings
from web.supervision.agencies import i18n

__all__ = ["fixture_people"]
TEMPLATES = Path(__file__).parents[4] / "web" / "templates" / "supervision"


def test_every_message_key_of_the_templates_is_translated() -> None:
    """A missing translation is a test failure, never a blank page."""
    used = set()
    for template in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r't\("(sv\.[a-z0-9_.-]+)"', template.read_text(encoding="utf-8")))
    dynamic = {
        "sv.staff.role.": list(StaffRole),
        "sv.inspection.kind.": list(InspectionKind),
        "sv.finding.severity.": list(Severity),
        "sv.fact.": list(FACTS),
        "sv.chart.": list(CHARTS),
    }
    keys = {key for key in used if not key.endswith(".")}
    keys |= {prefix + str(v) for prefix in used & set(dynamic) for v in dynamic[prefix]}
    assert {key for key in used if key.endswith(".")} <= set(dynamic)
    assert sorted(k for k in keys if k not in i18n.catalogue()) == []
    assert all(i18n.has(f"td.category.{c}") for c in Category)
    # Keys the statistics page builds in Python: units, evaluation kinds, the empty chart.
    units = {"tenders", "percent", "days", "services", "score"}
    built = {f"sv.unit.{u}" for u in units} | {"sv.evaluation.local", "sv.evaluation.remote"}
    assert (
        sorted(k for k in built | {"sv.stats.empty", "sv.region.unknown"} if not i18n.has(k)) == []
    )
    assert all(len(texts) == 2 and all(texts) for texts in i18n.catalogue().values())


def test_a_bad_formula_in_the_data_dir_stops_the_application(tmp_path: Path) -> None:
    """The formula is checked when the app is built: an unknown term never serves."""
    raw = json.loads(SHIPPED.read_text(encoding="utf-8"))
    raw["terms"][0]["fact"] = "gifts_received"
    policies = tmp_path / "data" / "policies"
    policies.mkdir(parents=True)
    (policies / "agency-assessment.json").write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(AssessmentFormulaInvalid, match="gifts_received"):
        create_app(Settings(data_dir=tmp_path / "data"))


async def test_staff_and_supervisors_read_the_pages_and_others_are_refused(
    client: httpx.AsyncClient, people: People, pool: asyncpg.Pool
) -> None:
    """Registry and record pages in Chinese; a bidder gets the 403 page; forms by role."""
    staff = await token(client, people.staff.username)
    await client.post(
        "/api/v1/agencies", headers=staff,
        json={"organisation_id": str(people.agency.id), "registration_number": "AH-1",
              "registered_on": "2026-01-05"},
    )  # fmt: skip
    registry = await client.get("/supervision/agencies", headers=staff)
    assert registry.status_code == 200
    assert "招标代理机构名录" in registry.text
    assert 'id="register-form"' in registry.text
    supervisor = await token(client, people.supervisor.username)
    record = await client.get(f"/supervision/agencies/{people.agency.id}", headers=supervisor)
    assert record.status_code == 200
    assert "皖南招标代理有限公司" in record.text
    assert 'id="inspection-form"' in record.text
    assert 'id="staff-form"' not in record.text
    bidder = await token(client, people.bidder_user.username)
    refused = await client.get("/supervision/agencies", headers=bidder)
    assert refused.status_code == 403
    assert 'data-code="agency_record_forbidden"' in refused.text
    client.cookies.set("lang", "en")
    english = await client.get("/supervision/statistics", headers=supervisor)
    assert english.status_code == 200
    assert "Tenders of my department" in english.text
    assert (await client.get("/supervision/statistics", headers=bidder)).status_code == 403
