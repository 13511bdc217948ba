"""The bid receipt as a PDF (投标回执): the signed JSON's fields, its signature and checkpoint.

The PDF is a human-readable copy; what proves receipt is the signed JSON and its CMS
signature (docs/formats/upload.md, "Receipt"), both printed here in full.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from web.pdf.base import PART_LABELS, Document, Field, Section, beijing, render


def render_receipt(fields: Mapping[str, Any], signature_b64: str, checkpoint: str | None) -> bytes:
    """The receipt PDF for one bid version."""
    kind = "撤回 withdrawal" if fields.get("kind") == "withdraw" else "递交 submission"
    rows = [["部分 Part", "SHA-256", "字节 Bytes"]] + [
        [PART_LABELS.get(p["label"], p["label"]), p["sha256"], str(p["size"])]
        for p in fields.get("parts", [])
    ]
    # Long base64 is cut into lines the page can wrap.
    signature = tuple(signature_b64[i : i + 76] for i in range(0, len(signature_b64), 76))
    note = tuple((checkpoint or "—").splitlines())
    document = Document(
        title="投标文件递交回执",
        subtitle="Bid receipt",
        sections=(
            Section(
                heading="回执 Receipt",
                fields=(
                    Field(label="交易编号 Tender", value=str(fields.get("tender", ""))),
                    Field(label="标段 Lot", value=str(fields.get("lot", ""))),
                    Field(label="投标人 Bidder", value=str(fields.get("bidder", ""))),
                    Field(label="版本 Version", value=f"{fields.get('version')} ({kind})"),
                    Field(label="接收时间 Received at", value=beijing(fields.get("received_at"))),
                    Field(label="日志序号 Log index", value=str(fields.get("log_index", ""))),
                    Field(label="声明哈希 Statement", value=str(fields.get("statement_sha256"))),
                ),
                table=rows if len(rows) > 1 else (),
            ),
            Section(heading="平台签名 Platform signature (CMS, base64)", paragraphs=signature),
            Section(heading="检查点 Checkpoint", paragraphs=note),
        ),
        footer="以签名的 JSON 为准 — the signed JSON is authoritative",
    )
    return render(document)
