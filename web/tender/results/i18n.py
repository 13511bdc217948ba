"""Messages of the results page, Chinese (zh-CN) first, with English.

Keys start with ``rs.``; anything else comes from the tender pages' catalogue
(web/tender/i18n.py, which falls back to the site's), so the shared layout and the
tender's words read the same everywhere.
"""

from __future__ import annotations

from web.feature_texts import FeatureCatalogue
from web.tender import i18n as i18n_tender

_CATALOGUE: dict[str, tuple[str, str]] = {
    "rs.title": ("公示与结果", "Candidates and result"),
    "rs.none": ("暂无中标候选人公示或中标结果。", "No candidates or result published yet."),
    "rs.candidates": ("中标候选人公示", "Candidates publicised"),
    "rs.lot": ("标段", "Lot"),
    "rs.period": ("公示期", "Publicity period"),
    "rs.until": ("至", "until"),
    "rs.late": ("逾期公示原因", "Reason for the late publication"),
    "rs.rank": ("排名", "Rank"),
    "rs.name": ("投标人", "Bidder"),
    "rs.price": ("投标报价（元）", "Price (CNY)"),
    "rs.duration": ("工期（日历天）", "Duration (days)"),
    "rs.quality": ("质量标准", "Quality"),
    "rs.manager": ("项目经理", "Project manager"),
    "rs.score": ("综合得分", "Score"),
    "rs.summary": ("评标情况", "Evaluation"),
    "rs.summary.text": (
        "有效投标 {evaluated} 家，否决 {rejected} 家；评标报告 SHA-256：{sha}",
        "{evaluated} bids evaluated, {rejected} rejected; report SHA-256: {sha}",
    ),
    "rs.objections": ("异议方式", "How to object"),
    "rs.objections.text": (
        "本标段投标人可在公示期结束前，以其登记的数字证书签署异议书（{format}）提出异议。",
        "A bidder of the lot may object before the period ends with a statement ({format}) "
        "signed by its registered certificate.",
    ),
    "rs.sha256": ("公示文本 SHA-256", "Text SHA-256"),
    "rs.result": ("中标结果公告", "Result"),
    "rs.step": ("序号", "Step"),
    "rs.kind": ("决定", "Decision"),
    "rs.kind.award": ("中标", "Awarded"),
    "rs.kind.drop_out": ("放弃或取消中标资格", "Dropped out"),
    "rs.kind.retender": ("重新招标", "Re-tendered"),
    "rs.reason": ("理由", "Reason"),
    "rs.decided_at": ("时间", "Time"),
    "rs.closure": ("终止公告", "Closure notice"),
    "rs.closure.failed": ("招标失败", "The tender failed"),
    "rs.closure.cancelled": ("招标终止", "The tender was cancelled"),
    "rs.cause.too_few_bids": ("投标人少于3个", "Fewer than 3 bids"),
    "rs.cause.all_bids_rejected": ("所有投标被否决", "Every bid was rejected"),
    "rs.cause.every_lot_retendered": ("所有标段重新招标", "Every lot re-tendered"),
    "rs.cause.cancelled": ("招标人终止招标", "Cancelled by the tenderer"),
    # The bidder's own results page (web/tender/my_results.py, issue 15).
    "mr.title": ("开标与结果", "Openings and results"),
    "mr.lead": (
        "本单位投标的每个标段：进展到哪一步、公示的排名、中标或结果通知书。只显示已经公开的信息。",
        "Every lot your organisation bid on: how far it has gone, your rank once the "
        "candidates are publicised, and your award or result notices. Only what is "
        "already public is shown.",
    ),
    "mr.none": ("本单位还没有投标。", "Your organisation has not bid yet."),
    "mr.tender": ("项目", "Tender"),
    "mr.lot": ("标段", "Lot"),
    "mr.deadline": ("投标截止（开标）时间", "Bid deadline (opening)"),
    "mr.stage": ("进展", "Stage"),
    "mr.rank": ("公示排名", "Publicised rank"),
    "mr.rank.none": ("未列入候选人", "Not a candidate"),
    "mr.notices": ("通知书", "Notices"),
    "mr.results": ("结果公示", "Results"),
    "mr.won": ("本单位中标", "Awarded to you"),
    "mr.lost": ("未中标", "Awarded to another bidder"),
    "mr.stage.submitted": ("已投标，待开标", "Bid submitted, not opened yet"),
    "mr.stage.opened": ("已开标", "Opened"),
    "mr.stage.candidates_publicised": ("中标候选人公示中", "Candidates publicised"),
    "mr.stage.awarded": ("已定标", "Awarded"),
    "mr.stage.failed": ("招标失败或重新招标", "Failed, or to be tendered again"),
    "mr.stage.cancelled": ("招标已终止", "Cancelled"),
    "mr.notice.award": ("中标通知书", "Award notice"),
    "mr.notice.result": ("中标结果通知书", "Result notice"),
    "mr.notice.superseded": ("已被新的定标取代", "superseded by a later award"),
    "mr.notice.signature": ("平台签名（.p7s）", "Platform signature (.p7s)"),
}
_TEXTS = FeatureCatalogue(_CATALOGUE, fallback=i18n_tender)
translate = _TEXTS.translate
has = _TEXTS.has


catalogue = _TEXTS.catalogue
