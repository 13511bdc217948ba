"""Clarifications to bidders (Reg. 52): the chair's written questions in the session,
the bidder's signed answers over HTTP, and the chair's refusal of an answer that would
change the substance (docs/api-evaluation.md, "Clarifications")."""
