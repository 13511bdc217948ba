"""Settings of the request limits (issue 9, items 6, 7 and 11): defaults and parsing."""

from __future__ import annotations

import pytest

from web.errors import SettingsInvalid
from web.settings import Settings


def test_the_request_limits_have_documented_defaults() -> None:
    """The README's configuration table gives these values."""
    settings = Settings.from_env({})
    assert settings.max_form_bytes == 256 * 1024 * 1024
    assert settings.form_read_timeout_seconds == 20.0
    assert (settings.max_header_bytes, settings.max_header_count) == (32 * 1024, 100)
    assert settings.header_read_timeout_seconds == 20.0
    assert settings.metrics_token is None


def test_the_request_limits_are_read_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "ETENDER_MAX_FORM_BYTES": "1000",
            "ETENDER_FORM_READ_TIMEOUT": "2.5",
            "ETENDER_MAX_HEADER_BYTES": "8192",
            "ETENDER_MAX_HEADER_COUNT": "50",
            "ETENDER_HEADER_READ_TIMEOUT": "5",
            "ETENDER_METRICS_TOKEN": "ops",
        }
    )
    assert settings.max_form_bytes == 1000
    assert settings.form_read_timeout_seconds == 2.5
    assert (settings.max_header_bytes, settings.max_header_count) == (8192, 50)
    assert settings.header_read_timeout_seconds == 5.0
    assert settings.metrics_token == "ops"


def test_the_metrics_token_is_not_in_the_settings_repr() -> None:
    """Settings may be logged; the token never is (STYLE.md, point 11)."""
    assert "secret-ops" not in repr(Settings.from_env({"ETENDER_METRICS_TOKEN": "secret-ops"}))


@pytest.mark.parametrize(
    "name",
    [
        "ETENDER_MAX_HEADER_BYTES",
        "ETENDER_MAX_HEADER_COUNT",
        "ETENDER_FORM_READ_TIMEOUT",
        "ETENDER_HEADER_READ_TIMEOUT",
    ],
)
def test_a_limit_of_zero_is_refused(name: str) -> None:
    """A zero limit would refuse every request."""
    with pytest.raises(SettingsInvalid) as refused:
        Settings.from_env({name: "0"})
    assert name in str(refused.value)
