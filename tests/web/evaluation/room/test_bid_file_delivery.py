"""How a bid file is served (web/evaluation/routes.py ``file_delivery``): a PDF inline,
framed by the platform's own pages only, so that the scoring room shows it; anything
else an attachment of no type, as before (docs/api-evaluation.md, "Read")."""

from __future__ import annotations

from web.evaluation.routes import file_delivery


def test_a_pdf_is_inline_and_framed_by_this_origin_only() -> None:
    media_type, headers = file_delivery("资格证明.PDF")
    assert media_type == "application/pdf"
    assert headers["Content-Disposition"].startswith("inline; filename=")
    assert (
        "filename*=UTF-8''%E8%B5%84%E6%A0%BC%E8%AF%81%E6%98%8E.PDF"
        in headers["Content-Disposition"]
    )
    assert headers["Content-Security-Policy"] == "frame-ancestors 'self'"
    assert headers["X-Frame-Options"] == "SAMEORIGIN"


def test_anything_else_stays_an_attachment_of_no_type() -> None:
    for name in ("技术标.txt", "drawing.dwg", "pdf", "a.pdf.exe"):
        media_type, headers = file_delivery(name)
        assert media_type == "application/octet-stream"
        assert headers == {"Content-Disposition": headers["Content-Disposition"]}
        assert headers["Content-Disposition"].startswith("attachment; filename=")
