"""Errors of the draw's formats (signing/draw/), each with a stable code.

    DrawError                           draw_error
    ├── DrawPolicyInvalid               policy_invalid
    ├── DrawIdInvalid                   draw_id_invalid
    ├── DrawCategoriesInvalid           draw_categories_invalid
    ├── DrawPoolInvalid                 draw_pool_invalid
    ├── DrawPoolMismatch                draw_pool_mismatch
    ├── DrawPoolTooSmall                draw_pool_too_small
    ├── DrawEntropyMissing              draw_entropy_missing
    ├── DrawEntropyTooShort             draw_entropy_too_short
    ├── DrawEntropyMalformed            draw_entropy_malformed
    ├── DrawEntropyReused               draw_entropy_reused
    ├── DrawSeedMismatch                draw_seed_mismatch
    ├── DrawCommitHashInvalid           draw_commit_hash_invalid
    ├── DrawRoundInvalid                draw_round_invalid
    ├── DrawRoundCapReached             draw_round_cap_reached
    ├── DrawDeclineInvalid              draw_decline_invalid
    ├── DrawTranscriptInvalid           draw_transcript_invalid
    ├── DrawCommitProofInvalid          draw_commit_proof_invalid
    ├── DrawEntropyStatementInvalid     draw_entropy_statement_invalid
    ├── DrawResponseInvalid             draw_response_invalid
    ├── DrawResponseSignatureInvalid    draw_response_signature_invalid
    └── DrawResponseSignerMismatch      draw_response_signer_mismatch

Codes are part of the public interface (docs/formats/draw.md lists them): never
change one, add new ones instead.
"""

from __future__ import annotations

from signing.errors import SigningError


class DrawError(SigningError):
    """Root of the errors of algorithm etender-draw-v1 and its signed statements."""

    code = "draw_error"


class DrawPolicyInvalid(DrawError, ValueError):
    """A draw policy number below its floor (expert_pool's policy loader reports it as
    its own policy_invalid)."""

    code = "policy_invalid"


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


class DrawCommitProofInvalid(DrawError):
    """The commit proof a server answered does not hold (the contributor's client check)."""

    code = "draw_commit_proof_invalid"


class DrawEntropyStatementInvalid(DrawError):
    """A signed entropy statement is malformed, does not verify, is signed by a
    certificate not registered for the contributor, or differs from the contribution."""

    code = "draw_entropy_statement_invalid"


class DrawResponseInvalid(DrawError):
    """A draw-response statement is malformed or names another draw or expert."""

    code = "draw_response_invalid"


class DrawResponseSignatureInvalid(DrawError):
    """An answer is unsigned, or its CMS signature or chain does not verify."""

    code = "draw_response_signature_invalid"


class DrawResponseSignerMismatch(DrawError):
    """An answer is signed by a certificate other than the expert's registered one."""

    code = "draw_response_signer_mismatch"
