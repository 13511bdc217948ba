"""The evaluation's events: what it appends to the transparency log.

Every transition of a session is an entry (issue 11); a member acting is named in the
entry by its seat and the salted commitment of expert_pool.journal.hidden_actor until
the award (docs/audit-log.md §1.3), never by name.
"""

from __future__ import annotations

import enum


class EvaluationEvent(enum.StrEnum):
    """Log entry kinds of the evaluation (DESIGN.md, "Transparency log")."""

    # Reading a bid is an act a supervisor must be able to audit later.
    BID_FILE_READ = "evaluation.bid_file_read"
    # The session (evaluation/sessions).
    SCHEDULED = "evaluation.scheduled"
    PHASE_CHANGED = "evaluation.phase_changed"
    SIGNED_IN = "evaluation.signed_in"
    IDENTITY_CONFIRMED = "evaluation.identity_confirmed"
    CONFLICT_DECLARED = "evaluation.conflict_declared"
    REPLACEMENT_REQUESTED = "evaluation.replacement_requested"
    REPLACEMENT_APPROVED = "evaluation.replacement_approved"
    MEMBER_REPLACED = "evaluation.member_replaced"
    MEMBER_ABSENT = "evaluation.member_absent"
    CHAIR_VOTE = "evaluation.chair_vote"
    CHAIR_ELECTED = "evaluation.chair_elected"
    PAUSED = "evaluation.paused"
    RESUMED = "evaluation.resumed"
    SEALED = "evaluation.sealed"
    TIME_SHORT_VOTE = "evaluation.time_short_vote"
    TIME_EXTENDED = "evaluation.time_extended"
    VENUE_RECORDS_HANDED_OVER = "evaluation.venue_records_handed_over"
    FAULT_REPORTED = "evaluation.fault_reported"
    # Sheets (evaluation/sheets).
    SHEET_SUBMITTED = "evaluation.sheet_submitted"
    SHEET_REVEALED = "evaluation.sheet_revealed"
    SHEET_REVISED = "evaluation.sheet_revised"
    DEVIATION_EXPLAINED = "evaluation.deviation_explained"
    QUALIFICATION_RESULT = "evaluation.qualification_result"
    # The report (evaluation/report).
    RANKED = "evaluation.ranked"
    REPORT_DRAFTED = "evaluation.report_drafted"
    REPORT_SIGNED = "evaluation.report_signed"
    REPORT_REFUSED = "evaluation.report_refused"
    CLOSED = "evaluation.closed"
    # Clarifications to bidders and supervisors' notes.
    CLARIFICATION_ASKED = "evaluation.clarification_asked"
    CLARIFICATION_ANSWERED = "evaluation.clarification_answered"
    CLARIFICATION_REFUSED = "evaluation.clarification_refused"
    SUPERVISOR_NOTE = "evaluation.supervisor_note"
