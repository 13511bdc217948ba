"""The archive's HTTP tests run on a clone of the opened lot, the app's data directory a
copy of the template's trusting its CA (as tests/web/evaluation/conftest.py does), with
the CA of the template's opening identity kept as an earlier platform CA
(keys/receipts/previous): the template signed receipts and records with two keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from signing.certs import dump_pem_certificate
from tests.conftest import CloneDatabase
from tests.evaluation.kit import Template
from tests.tender.world import FAST
from tests.web.evaluation.closing import copy_data
from tests.web.evaluation.conftest import ca, conn, scenario_database  # noqa: F401
from web.services import PREVIOUS_PLATFORM_CAS
from web.settings import Settings


@pytest.fixture
def settings(tmp_path: Path, database: CloneDatabase, evaluation_template: Template) -> Settings:
    """The app on the clone, trusting the template's CA, with both platform CAs."""
    data_dir = copy_data(evaluation_template, tmp_path)
    trust = data_dir / "trust"
    trust.mkdir(exist_ok=True)
    world_ca = evaluation_template.scenario.world.ca
    (trust / "demo-root.pem").write_bytes(dump_pem_certificate(world_ca.root_cert))
    (trust / "demo-issuing.pem").write_bytes(dump_pem_certificate(world_ca.issuing_cert))
    previous = data_dir / PREVIOUS_PLATFORM_CAS
    previous.mkdir(parents=True)
    opening_ca = data_dir / "platform" / "keys" / "receipts" / "ca-root.pem"
    (previous / "opening.pem").write_bytes(opening_ca.read_bytes())
    overrides = {f"tender_{key}": str(value) for key, value in FAST.to_json().items()}
    return Settings(database_url=database.app_dsn, data_dir=data_dir, policy_overrides=overrides)
