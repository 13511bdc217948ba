"""Refusals of the report's commands and reads, each named after the rule it enforces.

    EvaluationError (evaluation/errors.py)
    ├── RankingNotDone                  evaluation_ranking_missing_conflict           409
    ├── RankingDone                     evaluation_ranking_done_conflict              409
    ├── RankingChanged                  evaluation_ranking_changed_conflict           409
    ├── PricesSealed                    evaluation_prices_sealed_conflict             409
    ├── MemberCertificateMissing        evaluation_member_certificate_missing_conflict 409
    ├── ReportNotFound                  evaluation_report_not_found                   404
    ├── ReportStale                     evaluation_report_stale_conflict              409
    ├── ReportAnswered                  evaluation_report_answered_conflict           409
    ├── ReportSignatureInvalid          evaluation_report_signature_invalid           422
    ├── ReportSignerMismatch            evaluation_report_signer_mismatch             422
    ├── ReportCertificateChanged        evaluation_report_certificate_changed_conflict 409
    ├── ReportMalformed                 evaluation_report_malformed                   422
    ├── ReportFontMissing               evaluation_report_font_missing                503
    └── QualificationPending            evaluation_qualification_pending_conflict     409

Codes are part of the public interface (docs/formats/evaluation-report.md §8): never
change one, add new ones instead. Reading a report one may not read is accounts'
``permission_denied`` (a participant) or ``evaluation_report_not_found`` (anyone else:
a stranger does not learn that the session has a report).
"""

from __future__ import annotations

from evaluation.errors import EvaluationError


class RankingNotDone(EvaluationError):
    """The report states the ranking the chair announced: rank first."""

    code = "evaluation_ranking_missing_conflict"
    status = 409


class RankingDone(EvaluationError):
    """The ranking is announced once: the sheets cannot change in the ranking phase."""

    code = "evaluation_ranking_done_conflict"
    status = 409


class RankingChanged(EvaluationError):
    """The sheets no longer give the announced ranking: nothing may change after it."""

    code = "evaluation_ranking_changed_conflict"
    status = 409


class PricesSealed(EvaluationError):
    """A bid that passed has no opened price yet (two envelopes: open the commercial parts)."""

    code = "evaluation_prices_sealed_conflict"
    status = 409


class MemberCertificateMissing(EvaluationError):
    """A seated member has no registered signing certificate: the report names each one's."""

    code = "evaluation_member_certificate_missing_conflict"
    status = 409


class ReportNotFound(EvaluationError):
    """The session has no drafted report (or the reader may not know that it has one)."""

    code = "evaluation_report_not_found"
    status = 404


class ReportStale(EvaluationError):
    """The SHA-256 named is not the current version's: a dissent or redraft replaced it."""

    code = "evaluation_report_stale_conflict"
    status = 409


class ReportAnswered(EvaluationError):
    """A member signs or refuses each version of the report once."""

    code = "evaluation_report_answered_conflict"
    status = 409


class ReportSignatureInvalid(EvaluationError):
    """The CMS signature does not verify over the report's exact bytes (details: why)."""

    code = "evaluation_report_signature_invalid"


class ReportSignerMismatch(EvaluationError):
    """The signature is not by the member's own current registered certificate."""

    code = "evaluation_report_signer_mismatch"


class ReportCertificateChanged(EvaluationError):
    """The member registered another certificate after the report named the old one."""

    code = "evaluation_report_certificate_changed_conflict"
    status = 409


class ReportMalformed(EvaluationError):
    """Bytes that are not a canonical evaluation report of format v1."""

    code = "evaluation_report_malformed"


class ReportFontMissing(EvaluationError):
    """The CJK font the PDF embeds is not installed (apt-get install fonts-wqy-microhei)."""

    code = "evaluation_report_font_missing"
    status = 503


class QualificationPending(EvaluationError):
    """Two envelopes: no commercial part opens before the committee's qualification result."""

    code = "evaluation_qualification_pending_conflict"
    status = 409
