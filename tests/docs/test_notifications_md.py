"""docs/notifications.md says what the code does: the message texts byte for byte, the
template parameters of each kind, the retry bound and waits, the settings variables, the
error codes with their statuses, and a signature its reader can reproduce."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from accounts.notifications import config, errors
from accounts.notifications.channels.sms import signature
from accounts.notifications.config import ChannelSettings
from accounts.notifications.model import (
    BACKOFF_SECONDS,
    MAX_ATTEMPTS,
    Kind,
    bid_deadline_params,
    bid_deadline_text,
    result_params,
    result_text,
)
from expert_pool.notices.channels import draw_notice, draw_params
from signing.errors import EtenderError
from tests.docs.markdown import code_blocks, read, section

DOC = read("notifications.md")
_WHICH = {"code": "XC-2026-GC-000001", "lot": "2"}
WHEN = datetime(2026, 12, 7, 1, 30, tzinfo=UTC)


def _placeholders(text: str, params: dict[str, str]) -> str:
    """The code's text with each parameter's value put back as `{name}`."""
    for name, value in sorted(params.items(), key=lambda p: -len(p[1])):
        text = text.replace(value, "{" + name + "}")
    return text


def test_the_documented_texts_are_the_codes_byte_for_byte() -> None:
    [block] = code_blocks(section(DOC, "## Template parameters and texts"))
    documented = dict(re.findall(r"^([a-z_]+(?: \([a-z ]+\))?):\n(.+)$", block, re.M))
    draw = draw_params(draw_id="D-1", session_start=WHEN, session_end=WHEN.replace(hour=9),
                       deadline=WHEN.replace(hour=3))  # fmt: skip
    deadline = bid_deadline_params(code="XC-2026-GC-000001", title="城南道路", deadline=WHEN)
    won = result_params(code="XC-2026-GC-000001", lot="2", award=True)
    lost = result_params(code="XC-2026-GC-000001", lot="2", award=False)
    assert documented == {
        "draw_invitation": _placeholders(draw_notice(draw), draw),
        "bid_deadline": _placeholders(bid_deadline_text(deadline), deadline),
        "result (award notice)": _placeholders(result_text(won), _WHICH),
        "result (result notice)": _placeholders(result_text(lost), _WHICH),
    }


def test_each_kinds_parameters_are_the_documented_ones() -> None:
    table = section(DOC, "## Template parameters and texts")
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| (.+) \|$", table, re.M))
    documented = {
        kind: re.findall(r"`([a-z]+)` \(|`([a-z]+)`,|`([a-z]+)`$", row)
        for kind, row in rows.items()
    }
    names = {kind: sorted({n for t in found for n in t if n}) for kind, found in documented.items()}
    assert names == {
        "draw_invitation": sorted(
            draw_params(draw_id="D", session_start=WHEN, session_end=WHEN, deadline=WHEN)
        ),
        "bid_deadline": sorted(bid_deadline_params(code="C", title="T", deadline=WHEN)),
        "result": sorted(result_params(code="C", lot="1", award=True)),
    }
    assert set(rows) == {str(k) for k in Kind}


def test_the_retry_rule_is_the_documented_one() -> None:
    text = section(DOC, "## Delivery, retries and failures")
    waits = [int(s) for s in re.findall(r"([0-9]+) s", text.split("after the 1st")[0])]
    assert tuple(waits[-len(BACKOFF_SECONDS) :]) == BACKOFF_SECONDS
    assert f"at most **{MAX_ATTEMPTS} attempts** in all" in text


def test_every_settings_variable_is_documented_and_read() -> None:
    table = section(DOC, "## Settings (production)")
    documented = set(re.findall(r"`(ETENDER_(?:SMS|WECHAT)_[A-Z_]+)`", table))
    source = Path(config.__file__).read_text(encoding="utf-8")
    read_by_code = set(re.findall(r'"(ETENDER_(?:SMS|WECHAT)_[A-Z_]+)"', source))
    assert documented == read_by_code
    assert ChannelSettings.from_env({}) == ChannelSettings()


def test_the_error_table_is_the_error_classes() -> None:
    rows = re.findall(r"^\| `([a-z_]+)` \| ([0-9]{3}) \|", section(DOC, "## Errors"), re.M)
    classes = {
        cls.code: cls.status
        for cls in vars(errors).values()
        if isinstance(cls, type)
        and issubclass(cls, EtenderError)
        and cls.__module__ == errors.__name__
    }
    assert {code: int(status) for code, status in rows} == classes


def test_the_documented_signature_example_is_what_the_channel_computes() -> None:
    [example] = code_blocks(section(DOC, "## SMS"), "text")
    given, answer = example.split("\n→ Signature=")
    params = dict(pair.split("=", 1) for pair in given.split())
    assert signature(params, "testsecret", "GET") == answer.strip()
