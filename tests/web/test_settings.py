"""Settings: read once from the environment; malformed values are refused by name."""

from __future__ import annotations

import pytest

from web.errors import SettingsInvalid
from web.settings import Settings


def test_the_database_pools_default_to_20_and_a_bulkhead_of_10() -> None:
    settings = Settings.from_env({})
    assert (settings.db_pool_size, settings.db_upload_pool_size) == (20, 10)


def test_the_pool_sizes_are_read_from_the_environment() -> None:
    settings = Settings.from_env({"ETENDER_DB_POOL_SIZE": "40", "ETENDER_DB_UPLOAD_POOL_SIZE": "4"})
    assert (settings.db_pool_size, settings.db_upload_pool_size) == (40, 4)


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("ETENDER_DB_POOL_SIZE", "0", "at least 1"),
        ("ETENDER_DB_UPLOAD_POOL_SIZE", "-3", "negative"),
        ("ETENDER_DB_UPLOAD_POOL_SIZE", "ten", "whole number"),
        ("ETENDER_PORT", "80a", "whole number"),
        ("ETENDER_LOG_FORMAT", "xml", "'json' or 'text'"),
    ],
)
def test_a_malformed_setting_is_refused_naming_the_variable(
    name: str, value: str, says: str
) -> None:
    with pytest.raises(SettingsInvalid) as refused:
        Settings.from_env({name: value})
    assert name in str(refused.value)
    assert says in str(refused.value)
