"""The draw transcript as a PDF (抽取记录), sans-I/O: a transcript in, PDF bytes out.

It shows exactly what the JSON transcript holds (docs/formats/draw.md §7) — no names:
experts appear by id, as in the transcript itself — and says how to recompute it, so
an archived copy can be checked without the platform.
"""

from __future__ import annotations

from collections.abc import Sequence

from signing.draw.transcript import Transcript
from web.pdf.base import Document, Field, Section, render


def _chunks(text: str, size: int = 32) -> str:
    """Long hex in lines the table can wrap."""
    return " ".join(text[i : i + size] for i in range(0, len(text), size))


def _summary(t: Transcript) -> Section:
    seed = _chunks(t.platform_seed) if t.platform_seed else "未公开 not revealed"
    return Section(
        heading="抽取 Draw",
        fields=[
            Field(label="抽取编号 Draw id", value=t.draw_id),
            Field(label="算法 Algorithm", value=t.algorithm),
            Field(label="承诺哈希 commit_hash", value=_chunks(t.commit_hash)),
            Field(
                label="承诺日志序号 commit_log_index",
                value="—" if t.commit_log_index is None else str(t.commit_log_index),
            ),
            Field(label="种子承诺 seed_commitment", value=_chunks(t.seed_commitment)),
            Field(label="平台种子 platform_seed", value=seed),
        ],
    )


def _categories(t: Transcript) -> Section:
    rows: list[Sequence[str]] = [["类别 Label", "人数 Count", "库容 Pool", "库摘要 Pool digest"]]
    rows += [
        [c.label, str(c.count), str(t.pool_sizes[c.label]), _chunks(t.pool_digests[c.label])]
        for c in t.categories
    ]
    return Section(heading="类别与专家库 Categories and pools", table=rows)


def _rounds(t: Transcript) -> list[Section]:
    sections = []
    for rd in t.rounds:
        rows: list[Sequence[str]] = [["i", "类别 Label", "编号 Id"]]
        rows += [[str(p.i), p.label, p.expert_id] for p in rd.picks]
        paragraphs = [f"随机数 Entropy: {', '.join(rd.entropy)}"]
        if rd.entropy_log_indexes:
            logged = ", ".join(str(x) for x in rd.entropy_log_indexes)
            paragraphs.append(f"日志序号 Log indexes: {logged}")
        if rd.is_release:  # docs/formats/draw.md §4.2
            seed = _chunks(rd.round_seed) if rd.round_seed else "未公开 not revealed"
            paragraphs.append(
                f"本轮种子承诺 Round seed commitment: {_chunks(rd.seed_commitment or '')}"
            )
            paragraphs.append(f"本轮种子 Round seed: {seed}")
            if rd.seed_log_index is not None:
                paragraphs.append(f"承诺日志序号 Commitment log index: {rd.seed_log_index}")
        if rd.declined:
            paragraphs.append(
                f"拒绝、超时或退出 Declined, timed out or released: {', '.join(rd.declined)}"
            )
        sections.append(
            Section(heading=f"第 {rd.r} 轮 Round {rd.r}", table=rows, paragraphs=paragraphs)
        )
    return sections


def _shortfalls(t: Transcript) -> list[Section]:
    if not t.shortfalls:
        return []
    rows: list[Sequence[str]] = [["轮 Round", "类别 Label", "缺额 Missing"]]
    rows += [[str(s.r), s.label, str(s.missing)] for s in t.shortfalls]
    return [Section(heading="缺额 Shortfalls", table=rows)]


VERIFY = (
    "核验：以本记录的 JSON 文本与专家库名单（pools.json）运行 "
    "`etender draw verify transcript.json pools.json`，逐轮重算每一次抽取。"
    " To verify, run `etender draw verify transcript.json pools.json` on the JSON "
    "transcript and the pools; it recomputes every pick of every round."
)


def transcript_document(transcript: Transcript) -> Document:
    """The document blocks of a transcript."""
    return Document(
        title="专家抽取记录 Draw transcript",
        subtitle=f"{transcript.algorithm} · {transcript.draw_id}",
        sections=[
            _summary(transcript),
            _categories(transcript),
            *_rounds(transcript),
            *_shortfalls(transcript),
            Section(heading="核验 Verification", paragraphs=[VERIFY]),
        ],
        footer="etender",
    )


def render_transcript(transcript: Transcript) -> bytes:
    """The transcript as PDF bytes (CJK font embedded, deterministic)."""
    return render(transcript_document(transcript))
