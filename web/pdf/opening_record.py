"""The opening record (开标记录) as a PDF, sans-I/O: the signed record JSON in, PDF out.

The PDF shows exactly what the canonical JSON holds (docs/formats/opening.md,
"Opening record"), rendered from the parsed record bytes, so the PDF never says
something the signed record does not. What it adds is for the reader only: the
tender's own opening-form labels over the record's field keys, labels for the
record's codes, and times in Beijing time (issue 15 item 4). Its detached CMS
signature is made by the service over the PDF bytes (rendering is deterministic:
same record and form, same bytes).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tender.model import FieldKind, OpeningField
from web.pdf.base import PART_LABELS, Document, Field, Section, beijing, field_value, render

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
POLICY_LABELS: Mapping[str, str] = {
    "strict": "严格：须由开标官员份额解密 Strict: the officials' shares must open a bid",
    "lenient": "宽松：投标人自行解密亦可 Lenient: self-decryption counts",
}
# Officials' shares open a bid by default (DESIGN.md, "Opening"): only the other path is named.
OPENED_BY_LABELS: Mapping[str, str] = {
    "officials": "",
    "bidder": "投标人自行解密 by the bidder",
    "": "",
}
# tender/opening/model.py Cause: what each failure means, in words (EBM 31).
CAUSE_LABELS: Mapping[str, str] = {
    "shares_inconsistent": "官员份额不一致 Released shares are inconsistent",
    "key_fails_mac": "合成密钥无法打开文件 The combined key does not open the file",
    "share_not_as_committed": "份额与承诺不符 A share is not as committed",
    "opens_only_by_self_decryption": "仅能自行解密（严格规则）Opens only by self-decryption",
    "archive_invalid": "文件格式或清单无效 The archive or manifest does not check",
    "signature_invalid": "签名无效 The signature does not verify",
    "not_the_bidders_own": "非本投标人的文件 Not the bidder's own sealed file",
    "organisation_in_two_bids": "同一单位参与两份投标 One organisation in two bids",
    "ciphertext_changed": "存储的密文已改变 The stored ciphertext changed",
    "too_few_officials": "开标官员份额不足 Too few officials released shares",
    "dispute_unresolved": "争议未解决 A dispute was not settled",
}
REASON_LABELS: Mapping[str, str] = {
    "opening_too_few_bids": "投标人少于3个，不得开标（《招标投标法实施条例》第四十四条）"
    " Fewer than 3 bids: the lot does not open (Reg. 44)",
}


FOOTER = "平台以 CMS 分离签名签署本记录。Signed by the platform (CMS detached)."


def _label(labels: Mapping[str, str], code: object) -> str:
    # A code this build does not know is printed as the record holds it, never dropped.
    return "—" if code is None else labels.get(str(code), str(code))


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
            Field(label="开标内容 Part", value=_label(PART_LABELS, record["part"])),
            Field(label="开标时间 Opening time", value=beijing(record["deadline"])),
            Field(label="完成时间 Settled at", value=beijing(record["settled_at"])),
            Field(label="解密规则 Policy", value=_label(POLICY_LABELS, record["policy"])),
            Field(label="提交份额的官员 Officials released", value=released),
            Field(label="委员会指纹 Committee", value=_chunks(record["committee_fingerprint"])),
            Field(label="冻结清单 Freeze list", value=_chunks(record["freeze_list_sha256"])),
        ],
    )


def _columns(
    entries: Sequence[Mapping[str, Any]], form: Sequence[OpeningField]
) -> list[OpeningField]:
    """The form's fields in its order (price first), then any key the form lacks, as is."""
    named = {f.name: f for f in form}
    keys = {name for e in entries for name in e["fields"]} | set(named)
    ordered = sorted(named.values(), key=lambda f: (f.name != "price", form.index(f)))
    extra = sorted(keys - set(named))
    return [*ordered, *(OpeningField(name=k, label=k, kind=FieldKind.TEXT) for k in extra)]


def _bids(record: Mapping[str, Any], form: Sequence[OpeningField]) -> Section:
    entries = record["entries"]
    columns = _columns(entries, form)
    header = ["投标人 Bidder（递交时间 received）", "结果 Outcome"]
    rows: list[Sequence[str]] = [[*header, *(c.label for c in columns)]]
    for e in entries:
        members = " + ".join([e["bidder_name"], *e["consortium"]])
        outcome = _label(OUTCOME_LABELS, e["outcome"])
        rows.append(
            [
                f"{members}\n{e['bidder']}\n{beijing(e['received_at'])}",
                f"{outcome}\n{_label(OPENED_BY_LABELS, e['opened_by'])}".strip(),
                *(field_value(c, e["fields"].get(c.name)) for c in columns),
            ]
        )
    return Section(heading="唱标 Bids", table=rows)


def _failures(record: Mapping[str, Any]) -> list[Section]:
    failed = [e for e in record["entries"] if e["cause"] is not None]
    if not failed:
        return []
    rows: list[Sequence[str]] = [["投标人 Bidder", "原因 Cause", "责任方 Party at fault"]]
    rows += [
        [
            f"{e['bidder_name']}\n{e['bidder']}",
            _label(CAUSE_LABELS, e["cause"]),
            _label(PARTY_LABELS, e["party_at_fault"]),
        ]
        for e in failed
    ]
    return [Section(heading="解密失败 Failures", table=rows)]


def render_record(record: Mapping[str, Any], form: Sequence[OpeningField]) -> bytes:
    """The record (parsed canonical JSON) as PDF bytes, Chinese with English; ``form`` is
    the tender's opening form, whose labels head the bid table's field columns."""
    sections, part = [_summary(record)], record["part"]
    reason = record["not_opened_reason"]
    if reason is not None:
        text = f"本标段不开标 This lot does not open: {_label(REASON_LABELS, reason)}"
        sections.append(Section(heading="不开标 Not opened", paragraphs=[text]))
    else:
        sections += [_bids(record, form), *_failures(record)]
    return render(
        Document(
            title="开标记录 Opening record",
            subtitle=f"{record['tender']} · 标段 {record['lot']} · {_label(PART_LABELS, part)}",
            sections=sections,
            footer=FOOTER,
        )
    )
