"""Where each stage's tender is seen by anyone, without signing in (the public home
page's stages list and ``etender demo``'s summary link the same pages)."""

from __future__ import annotations

from uuid import UUID

# tender/disclosure/stages.py STAGES → the public page that shows that stage best.
STAGE_PATHS = {
    "open_for_bids": "/tenders/{id}",  # the notice: documents, deadline
    "opening_today": "/tenders/{id}",  # the notice (the hall needs a sign-in)
    "evaluation": "/tenders/{id}/disclosure",  # the opening record, stage by stage
    "candidates": "/tenders/{id}/results",  # the candidates' publicity
    "awarded": "/tenders/{id}/results",  # the award and the result announcement
}


def stage_path(stage: str, tender_id: UUID) -> str:
    """The public page of ``tender_id`` at ``stage``."""
    return STAGE_PATHS[stage].format(id=tender_id)
