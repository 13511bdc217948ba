"""Errors of the expert_pool package, each named after the rule it enforces.

    ExpertPoolError                       expert_pool_error
    ├── ExpertRecordInvalid               expert_record_invalid
    │   ├── ExpertIdInvalid               expert_id_invalid
    │   ├── IdCardInvalid                 id_card_invalid
    │   ├── CreditCodeInvalid             credit_code_invalid
    │   ├── SpecialtyUnknown              specialty_unknown
    │   ├── RegionUnknown                 region_unknown
    │   ├── RegionRuleInvalid             region_rule_invalid
    │   └── CategoryLabelInvalid          category_label_invalid
    ├── TimeNotAware                      time_not_aware
    ├── PolicyInvalid                     policy_invalid
    ├── CatalogueInvalid                  catalogue_invalid
    ├── DrawError                         draw_error
    │   ├── DrawIdInvalid                 draw_id_invalid
    │   ├── DrawCategoriesInvalid         draw_categories_invalid
    │   ├── DrawPoolInvalid               draw_pool_invalid
    │   ├── DrawPoolMismatch              draw_pool_mismatch
    │   ├── DrawPoolTooSmall              draw_pool_too_small
    │   ├── DrawEntropyMissing            draw_entropy_missing
    │   ├── DrawEntropyTooShort           draw_entropy_too_short
    │   ├── DrawEntropyMalformed          draw_entropy_malformed
    │   ├── DrawEntropyReused             draw_entropy_reused
    │   ├── DrawSeedMismatch              draw_seed_mismatch
    │   ├── DrawCommitHashInvalid         draw_commit_hash_invalid
    │   ├── DrawRoundInvalid              draw_round_invalid
    │   ├── DrawRoundCapReached           draw_round_cap_reached
    │   ├── DrawDeclineInvalid            draw_decline_invalid
    │   └── DrawTranscriptInvalid         draw_transcript_invalid
    ├── CommitteeCompositionInvalid       committee_composition_invalid
    └── CsvRowsInvalid                    csv_rows_invalid

Codes are part of the public interface (docs/formats/draw.md lists them): never
change one, add new ones instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple


class ExpertPoolError(Exception):
    """Root of every error raised by expert_pool/."""

    code = "expert_pool_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- expert records ---


class ExpertRecordInvalid(ExpertPoolError):
    """A field of an expert record breaks its format rule."""

    code = "expert_record_invalid"


class ExpertIdInvalid(ExpertRecordInvalid):
    """An expert (or venue) id does not match [A-Za-z0-9_-]{1,64}."""

    code = "expert_id_invalid"


class IdCardInvalid(ExpertRecordInvalid):
    """A resident identity card number breaks GB 11643-1999."""

    code = "id_card_invalid"


class CreditCodeInvalid(ExpertRecordInvalid):
    """A unified social credit code breaks GB 32100-2015."""

    code = "credit_code_invalid"


class SpecialtyUnknown(ExpertRecordInvalid):
    """A specialty code is not in the specialty classification."""

    code = "specialty_unknown"


class RegionUnknown(ExpertRecordInvalid):
    """A region code is not in the region catalogue."""

    code = "region_unknown"


class RegionRuleInvalid(ExpertRecordInvalid):
    """A region rule is not `local`, `remote` or canonical `cities:<code,code>`."""

    code = "region_rule_invalid"


class CategoryLabelInvalid(ExpertRecordInvalid):
    """A draw category label is not `<specialty code>@<region rule>`."""

    code = "category_label_invalid"


# --- inputs of pure rules ---


class TimeNotAware(ExpertPoolError):
    """A datetime was naive: every rule takes timezone-aware UTC time."""

    code = "time_not_aware"


class PolicyInvalid(ExpertPoolError):
    """A policy value is out of its allowed range."""

    code = "policy_invalid"


class CatalogueInvalid(ExpertPoolError):
    """A bundled or supplied data catalogue is inconsistent."""

    code = "catalogue_invalid"


# --- the draw (DESIGN.md, "Verifiable expert draw") ---


class DrawError(ExpertPoolError):
    """Root of the errors of algorithm etender-draw-v1."""

    code = "draw_error"


class DrawIdInvalid(DrawError):
    """A draw id does not match [A-Za-z0-9_-]{1,64}."""

    code = "draw_id_invalid"


class DrawCategoriesInvalid(DrawError):
    """Categories are empty, repeat a label, or ask for a count below 1."""

    code = "draw_categories_invalid"


class DrawPoolInvalid(DrawError):
    """A pool is not strictly ascending by bytes, or holds an invalid id."""

    code = "draw_pool_invalid"


class DrawPoolMismatch(DrawError):
    """The pools given to a round are not the committed pools."""

    code = "draw_pool_mismatch"


class DrawPoolTooSmall(DrawError):
    """A pool is smaller than min_pool_ratio x count and no supervisor approved."""

    code = "draw_pool_too_small"


class DrawEntropyMissing(DrawError):
    """A round has no supervisor entropy (round 0) or no entropy at all."""

    code = "draw_entropy_missing"


class DrawEntropyTooShort(DrawError):
    """An entropy contribution carries fewer than 128 bits."""

    code = "draw_entropy_too_short"


class DrawEntropyMalformed(DrawError):
    """An entropy contribution is not lowercase hex of whole bytes."""

    code = "draw_entropy_malformed"


class DrawEntropyReused(DrawError):
    """A replacement round's entropy was already used in this draw."""

    code = "draw_entropy_reused"


class DrawSeedMismatch(DrawError):
    """The platform seed does not match its commitment, or is not 32 bytes."""

    code = "draw_seed_mismatch"


class DrawCommitHashInvalid(DrawError):
    """The commit hash is not 64 lowercase hex characters."""

    code = "draw_commit_hash_invalid"


class DrawRoundInvalid(DrawError):
    """A round is out of order, or has nothing to refill."""

    code = "draw_round_invalid"


class DrawRoundCapReached(DrawError):
    """The replacement-round cap (default 3) is used up."""

    code = "draw_round_cap_reached"


class DrawDeclineInvalid(DrawError):
    """A decline names someone not seated by this draw."""

    code = "draw_decline_invalid"


class DrawTranscriptInvalid(DrawError):
    """A transcript document breaks the schema of docs/formats/draw.md."""

    code = "draw_transcript_invalid"


# --- committee and import ---


class CommitteeCompositionInvalid(ExpertPoolError):
    """A committee breaks Law 37 composition: >= 5, odd, experts >= 2/3."""

    code = "committee_composition_invalid"


class CsvProblem(NamedTuple):
    """One problem of an expert CSV: record number (header = 1), column, message."""

    row: int
    column: str
    message: str


class CsvRowsInvalid(ExpertPoolError):
    """An expert CSV has bad rows: nothing of it is imported."""

    code = "csv_rows_invalid"

    def __init__(self, problems: Sequence[CsvProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the expert CSV; nothing imported")
        self.problems: tuple[CsvProblem, ...] = tuple(problems)
