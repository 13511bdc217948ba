"""Log entry kinds of complaints (docs/api-complaints.md, "Log entries").

Each is appended to the tender's log (subject: the tender) in the transaction of the
step it records, with a commitment to the signed statement's SHA-256 (and the
department's certificate hash); ``complaint.statements_revealed`` opens the commitments
after the tender's deadline (supervision/complaints/reveal.py).
"""

from __future__ import annotations

import enum

from supervision.complaints.model import Step


class ComplaintEvent(enum.StrEnum):
    FILED = "complaint.filed"
    ACCEPTED = "complaint.accepted"
    REFUSED = "complaint.refused"
    PAUSED = "complaint.paused"
    PAUSE_ENDED = "complaint.pause_ended"
    SUSPENDED = "complaint.suspended"
    RESUMED = "complaint.resumed"
    DECIDED = "complaint.decided"
    WITHDRAWN = "complaint.withdrawn"
    STATEMENTS_REVEALED = "complaint.statements_revealed"


OF_STEP = {
    Step.ACCEPT: ComplaintEvent.ACCEPTED,
    Step.REFUSE: ComplaintEvent.REFUSED,
    Step.PAUSE_TESTING: ComplaintEvent.PAUSED,
    Step.PAUSE_EXPERT_REVIEW: ComplaintEvent.PAUSED,
    Step.END_PAUSE: ComplaintEvent.PAUSE_ENDED,
    Step.SUSPEND: ComplaintEvent.SUSPENDED,
    Step.RESUME: ComplaintEvent.RESUMED,
    Step.UPHOLD: ComplaintEvent.DECIDED,
    Step.DISMISS: ComplaintEvent.DECIDED,
    Step.WITHDRAW: ComplaintEvent.WITHDRAWN,
}
