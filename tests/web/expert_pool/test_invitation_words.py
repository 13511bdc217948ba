"""The expert's invitation status line in the page's language: the answer deadline in
Beijing time with its label, the label's colon in the page's language (the tester saw
"答复截止: 2026-12-07 18:14", no label and an ASCII colon on a Chinese page)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from starlette.requests import Request

from expert_pool.answers.service import Invitation
from expert_pool.draws.model import MemberStatus
from web.expert_pool.page_common import render

EXPECTED = {
    "zh-CN": "答复截止：2026-12-07 18:14（北京时间）",
    "en": "Answer by: 2026-12-07 18:14 (Beijing time)",
}


@pytest.mark.parametrize("lang", sorted(EXPECTED))
def test_the_answer_deadline_is_beijing_time_with_its_label(lang: str) -> None:
    scope = {"type": "http", "method": "GET", "path": "/expert/invitations",
             "query_string": b"", "headers": [(b"cookie", f"lang={lang}".encode())]}  # fmt: skip
    item = Invitation(
        draw_id="d1",
        body="请于答复截止前确认。",
        sent_at=datetime(2026, 12, 7, 9, 0, tzinfo=UTC),
        status=MemberStatus.CONFIRMED,
        deadline=datetime(2026, 12, 7, 10, 14, tzinfo=UTC),
    )
    page = render(Request(scope), "invitations.html", actor=None, items=[item], statements={},
                  message=None, done=None)  # fmt: skip
    text = bytes(page.body).decode()
    assert EXPECTED[lang] in text
