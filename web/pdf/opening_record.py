"""The opening record (开标记录) as a PDF, sans-I/O: the signed record JSON in, PDF out.

The PDF shows exactly what the canonical JSON holds (docs/formats/opening.md,
"Opening record"), rendered from the parsed record bytes, so the PDF never says
something the signed record does not. Its detached CMS signature is made by the
service over the PDF bytes (rendering is deterministic: same record, same bytes).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from web.pdf.base import Document, Field, Section, render

OUTCOME_LABELS: Mapping[str, str] = {
    "opened": "已解密 opened",
    "revoked": "撤销 revoked",
    "withdrawn": "撤回 withdrawn",
}
PARTY_LABELS: Mapping[str, str] = {
    "bidder": "投标人 bidder",
    "official": "开标官员 official",
    "platform": "平台 platform",
    "none": "无责任方 no party",
}


FOOTER = "平台以 CMS 分离签名签署本记录。Signed by the platform (CMS detached)."


def yuan(fen: object) -> str:
    """Fen as yuan with two decimals and thousands separators (¥1,234.00)."""
    if type(fen) is not int:
        return "—"
    return f"¥{fen // 100:,}.{fen % 100:02d}"


def _chunks(text: str, size: int = 32) -> str:
    return " ".join(text[i : i + size] for i in range(0, len(text), size))


def _summary(record: Mapping[str, Any]) -> Section:
    released = ", ".join(str(x) for x in record["officials_released"]) or "—"
    return Section(
        heading="项目 Tender",
        fields=[
            Field(label="交易编号 Code", value=record["tender"]),
            Field(label="项目名称 Title", value=record["title"]),
            Field(label="标段 Lot", value=record["lot"]),
            Field(label="开标时间 Opening time", value=record["deadline"]),
            Field(label="完成时间 Settled at", value=record["settled_at"]),
            Field(label="解密规则 Policy", value=record["policy"]),
            Field(label="提交份额的官员 Officials released", value=released),
            Field(label="委员会指纹 Committee", value=_chunks(record["committee_fingerprint"])),
            Field(label="冻结清单 Freeze list", value=_chunks(record["freeze_list_sha256"])),
        ],
    )


def _field_names(entries: Sequence[Mapping[str, Any]]) -> list[str]:
    names = sorted({name for e in entries for name in e["fields"]} - {"price"})
    return ["price", *names]


def _cell(name: str, value: object) -> str:
    if value is None:
        return "—"
    return yuan(value) if name == "price" else str(value)


def _bids(record: Mapping[str, Any]) -> Section:
    entries = record["entries"]
    names = _field_names(entries)
    rows: list[Sequence[str]] = [["投标人 Bidder", "结果 Outcome", *names]]
    for e in entries:
        members = " + ".join([e["bidder_name"], *e["consortium"]])
        rows.append(
            [
                f"{members}\n{e['bidder']}",
                OUTCOME_LABELS[e["outcome"]],
                *(_cell(n, e["fields"].get(n)) for n in names),
            ]
        )
    return Section(heading="唱标 Bids", table=rows)


def _failures(record: Mapping[str, Any]) -> list[Section]:
    failed = [e for e in record["entries"] if e["cause"] is not None]
    if not failed:
        return []
    rows: list[Sequence[str]] = [["投标人 Bidder", "原因 Cause", "责任方 Party at fault"]]
    rows += [[e["bidder"], e["cause"], PARTY_LABELS[e["party_at_fault"]]] for e in failed]
    return [Section(heading="解密失败 Failures", table=rows)]


def render_record(record: Mapping[str, Any]) -> bytes:
    """The record (parsed canonical JSON) as PDF bytes, Chinese with English."""
    sections = [_summary(record)]
    if record["not_opened_reason"] is not None:
        text = f"本标段不开标 This lot does not open: {record['not_opened_reason']}"
        sections.append(Section(heading="不开标 Not opened", paragraphs=[text]))
    else:
        sections += [_bids(record), *_failures(record)]
    return render(
        Document(
            title="开标记录 Opening record",
            subtitle=f"{record['tender']} · 标段 {record['lot']} · {record['part']}",
            sections=sections,
            footer=FOOTER,
        )
    )
