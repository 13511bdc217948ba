"""A tender whose evaluation closed for real, for every test of issue 13's results.

The closed tender is built once per test process (``results_template``,
tests/tender/results/template.py, registered for the whole tree by tests/conftest.py)
and each test gets a fresh clone of it (``results_database``, registered as the
``database`` fixture wherever it is imported). In a test folder's conftest.py::

    from tests.tender.results.kit import closed, results_database  # noqa: F401

then ``pool``, ``conn`` and ``owner_conn`` are the clone's, and ``closed`` names
everything around it: status ``candidates``, one lot ("1"), three ranked candidates
(their bids, bidder organisations, prices and opening-form fields, a recorded bond
each), the agency (its user's signing certificate registered), centre staff, the
supervising department's supervisor, each candidate's bidder user with its registered
signing certificate, and the platform's signing identity. For an app on the clone,
copy the data directory (:func:`copy_results_data`): it holds the platform's key, the
blobs and opened parts.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from uuid import UUID

import pytest

from accounts.model import Actor
from signing.certs import Identity, dump_pem_certificate
from signing.demo_ca import DemoCA
from tender.setup import Setup
from tests.conftest import CloneDatabase, PgServer, clone
from tests.tender.results.template import Candidate, ResultsTemplate
from tests.tender.world import FAST, World
from web.settings import Settings

__all__ = ["Candidate", "Closed", "ResultsTemplate", "closed", "copy_results_data"]


@pytest.fixture(name="database")
async def results_database(
    pg_server: PgServer, results_template: ResultsTemplate
) -> AsyncIterator[CloneDatabase]:
    """The test's own clone of the closed tender (replaces the empty ``database``)."""
    async with clone(pg_server, results_template.name) as cloned:
        yield cloned


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Closed:
    """The closed tender (status ``candidates``) and everyone around it."""

    template: ResultsTemplate
    tender_id: UUID
    lot: str
    candidates: tuple[Candidate, ...]  # best first: candidates[0] has rank 1
    report_sha256: str  # the signed evaluation report's
    closed_at: dt.datetime  # the evaluation's result (evaluation_results.closed_at)
    agency: Actor  # the tender's agency (manages it)
    other_agency: Actor  # another agency: no business with this tender
    tenderer: Actor
    staff: Actor  # centre staff
    supervisor: Actor  # supervises the tender's department
    other_supervisor: Actor  # supervises another department
    world: World
    signer: Identity  # the platform's signing identity
    agency_identity: Identity  # the agency user's registered signing certificate

    @property
    def ca(self) -> DemoCA:
        """The world's CA: every certificate of the clone is issued by it."""
        return self.world.ca

    @property
    def department_id(self) -> UUID:
        return self.world.department.id

    def setup(self) -> Setup:
        """The use cases' setup (FAST policies, the shipped calendar, the world's CA)."""
        return self.world.setup()

    def _index(self, rank: int) -> int:
        org = self.candidates[rank - 1].bidder_id
        return next(i for i, o in enumerate(self.world.bidder_orgs) if o.id == org)

    def bidder(self, rank: int) -> Actor:
        """A user of the candidate of ``rank``'s organisation."""
        return self.world.bidders[self._index(rank)]

    def bidder_identity(self, rank: int) -> Identity:
        """That user's registered signing certificate (and key)."""
        return self.world.bidder_identities[self._index(rank)]


@pytest.fixture
def closed(results_template: ResultsTemplate) -> Closed:
    """The clone's closed tender (use with ``results_database``)."""
    world = results_template.evaluation.scenario.world
    scenario = results_template.evaluation.scenario
    return Closed(
        template=results_template, tender_id=results_template.tender_id,
        lot=results_template.lot, candidates=results_template.candidates,
        report_sha256=results_template.report_sha256, closed_at=results_template.closed_at,
        agency=world.agency, other_agency=world.other_agency, tenderer=world.tenderer,
        staff=world.staff, supervisor=world.supervisor,
        other_supervisor=scenario.other_supervisor, world=world,
        signer=results_template.signer, agency_identity=results_template.agency_identity,
    )  # fmt: skip


def copy_results_data(template: ResultsTemplate, where: Path) -> Path:
    """A writable copy of the closed tender's data directory (platform key, blobs,
    opened parts under ``<copy>/opened``) for an app on the clone."""
    data_dir = where / "data"
    shutil.copytree(template.data_dir, data_dir)
    return data_dir


def app_settings(tmp_path: Path, database: CloneDatabase, template: ResultsTemplate) -> Settings:
    """An app on the clone: the kit's data directory copied, the world's CA trusted,
    the fast policies of tests/tender/world.py."""
    data_dir = copy_results_data(template, tmp_path)
    trust = data_dir / "trust"
    trust.mkdir(exist_ok=True)
    ca = template.evaluation.scenario.world.ca
    (trust / "demo-root.pem").write_bytes(dump_pem_certificate(ca.root_cert))
    (trust / "demo-issuing.pem").write_bytes(dump_pem_certificate(ca.issuing_cert))
    overrides = {f"tender_{key}": str(value) for key, value in FAST.to_json().items()}
    return Settings(database_url=database.app_dsn, data_dir=data_dir, policy_overrides=overrides)
