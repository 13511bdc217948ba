"""Kinds of the transparency-log entries the expert pool appends (audit data, not logs).

Personal data stays out of the permanent log: experts appear by id only, and who was
drawn enters as salted commitments (`signing.log.entry.commit`) until the award, when the
`draw.published` entry reveals the salts (DESIGN.md, "Transparency log").
"""

from __future__ import annotations

import enum

from signing.draw.commit_check import COMMIT_KIND


class PoolEvent(enum.StrEnum):
    """Log entry kinds of expert_pool."""

    EXPERT_CREATED = "expert.created"
    EXPERTS_IMPORTED = "expert.imported"
    EXPERT_STATUS_CHANGED = "expert.status_changed"
    EXPERT_PENALISED = "expert.penalised"
    EXPERT_RELATIONSHIP_DECLARED = "expert.relationship_declared"
    EXPERT_CERTIFICATE_REGISTERED = "expert.certificate_registered"
    EXPERT_ACCOUNT_LINKED = "expert.account_linked"
    EXPERT_ATTENDANCE = "expert.attendance_recorded"
    EXPERT_ASSESSED = "expert.assessed"
    VENUE_CREATED = "venue.created"
    VENUE_STAFF_ASSIGNED = "venue.staff_assigned"
    VENUE_STAFF_UNASSIGNED = "venue.staff_unassigned"
    POLICY_CHANGED = "expert_pool.policy_changed"
    DRAW_REQUESTED = "draw.requested"
    DRAW_PREPARED = "draw.prepared"
    DRAW_POOL_APPROVED = "draw.pool_approved"
    DRAW_COMMITTED = COMMIT_KIND  # the kind a contributor's client checks (signing/draw)
    DRAW_ENTROPY = "draw.entropy_contributed"
    DRAW_ROUND = "draw.round_drawn"
    DRAW_CONFIRMED = "draw.member_confirmed"
    DRAW_DECLINED = "draw.member_declined"
    DRAW_TIMED_OUT = "draw.member_timed_out"
    DRAW_RELEASED = "draw.member_released"  # left a complete committee (a replacement)
    DRAW_ROUND_COMMITTED = "draw.round_committed"  # a release round's own seed commitment
    DRAW_COMPLETED = "draw.completed"
    DRAW_REDRAW_APPROVED = "draw.redraw_approved"
    DRAW_CANCELLED = "draw.cancelled"
    DRAW_PUBLISHED = "draw.published"
    # The public document of a published draw: its SHA-256 (docs/formats/draw.md §13).
    DRAW_PUBLICATION_STORED = "draw.publication_stored"
