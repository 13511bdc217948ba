"""Settings: read once from the environment; malformed values are refused by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from web.errors import SettingsInvalid
from web.settings import Settings


def test_the_database_pools_default_to_20_and_a_bulkhead_of_10() -> None:
    settings = Settings.from_env({})
    assert (settings.db_pool_size, settings.db_upload_pool_size) == (20, 10)


def test_the_pool_sizes_are_read_from_the_environment() -> None:
    settings = Settings.from_env({"ETENDER_DB_POOL_SIZE": "40", "ETENDER_DB_UPLOAD_POOL_SIZE": "4"})
    assert (settings.db_pool_size, settings.db_upload_pool_size) == (40, 4)


def test_the_opening_processes_default_to_0_which_means_threads() -> None:
    """tender/opening/workers.py: unset is 0, threads in the server; N is N processes."""
    assert Settings.from_env({}).opening_processes == 0
    assert Settings.from_env({"ETENDER_OPENING_PROCESSES": "0"}).opening_processes == 0
    assert Settings.from_env({"ETENDER_OPENING_PROCESSES": "3"}).opening_processes == 3


def test_the_demo_ca_folder_is_off_unless_set(tmp_path: Path) -> None:
    """DEMO ONLY (issue 12): no ETENDER_DEMO_CA_DIR, no issuing; set, an absolute path."""
    assert Settings.from_env({}).demo_ca_dir is None
    set_ = Settings.from_env({"ETENDER_DEMO_CA_DIR": str(tmp_path / "ca")})
    assert set_.demo_ca_dir == tmp_path / "ca"


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("ETENDER_DB_POOL_SIZE", "0", "at least 1"),
        ("ETENDER_DB_UPLOAD_POOL_SIZE", "-3", "negative"),
        ("ETENDER_DB_UPLOAD_POOL_SIZE", "ten", "whole number"),
        ("ETENDER_PORT", "80a", "whole number"),
        ("ETENDER_LOG_FORMAT", "xml", "'json' or 'text'"),
        ("ETENDER_OPENING_PROCESSES", "-1", "negative"),
        ("ETENDER_OPENING_PROCESSES", "two", "whole number"),
    ],
)
def test_a_malformed_setting_is_refused_naming_the_variable(
    name: str, value: str, says: str
) -> None:
    with pytest.raises(SettingsInvalid) as refused:
        Settings.from_env({name: value})
    assert name in str(refused.value)
    assert says in str(refused.value)


def test_job_intervals_are_settings_read_from_their_policy_variables() -> None:
    """ETENDER_POLICY_<JOB>_JOB_SECONDS as the jobs read them before: at least 0.2 s, and
    a value that is no number keeps the default."""
    settings = Settings.from_env(
        {
            "ETENDER_POLICY_OPENING_JOB_SECONDS": "0.3",
            "ETENDER_POLICY_FREEZE_JOB_SECONDS": "0.01",
            "ETENDER_POLICY_DRAW_JOB_SECONDS": "soon",
            "ETENDER_POLICY_UPLOAD_CLEANUP_JOB_SECONDS": "30",
        }
    )
    assert settings.opening_job_seconds == 0.3
    assert settings.freeze_job_seconds == 0.2
    assert settings.draw_job_seconds == 5.0
    assert settings.upload_cleanup_job_seconds == 30.0
    assert settings.tender_alerts_job_seconds == 60.0
    assert Settings.from_env({}).run_background is True


def test_the_read_caches_default_to_1_and_2_seconds_and_stay_within_a_minute() -> None:
    """web/read_caches.py's bounds: on by default in a served process, 0 turns them off,
    and no session is honoured more than a minute after it ended elsewhere."""
    served = Settings.from_env({})
    assert (served.checkpoint_cache_seconds, served.session_cache_seconds) == (1.0, 2.0)
    off = Settings.from_env(
        {"ETENDER_CHECKPOINT_CACHE_SECONDS": "0", "ETENDER_SESSION_CACHE_SECONDS": "0"}
    )
    assert (off.checkpoint_cache_seconds, off.session_cache_seconds) == (0.0, 0.0)
    for name in ("ETENDER_CHECKPOINT_CACHE_SECONDS", "ETENDER_SESSION_CACHE_SECONDS"):
        with pytest.raises(SettingsInvalid, match=name):
            Settings.from_env({name: "61"})
