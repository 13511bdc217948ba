"""Log entry kinds of the market-party registry (issue 14, item 2).

People enter the log by their role and the keyed hash of their ID number only: never the
number, never the name (personal data stays out of the permanent log).
"""

from __future__ import annotations

import enum


class PartyEvent(enum.StrEnum):
    QUALIFICATION_RECORDED = "party.qualification_recorded"
    PERSON_RECORDED = "party.person_recorded"
    RELATION_RECORDED = "party.relation_recorded"
