"""Signed statements: RFC 8785 JSON bodies with a CMS detached signature.

A statement is what a party commits to: an official binding its age recipient to its
certificate (DESIGN.md, "Opening committee"), a bidder submitting or withdrawing a
bid version ("Submission, receipt, freeze"), a user answering a login challenge
("Signatures"). Bodies are canonical, so a statement's SHA-256 is well defined; a
body that is not exactly the canonical encoding of a valid statement is refused.
Exact shapes: docs/formats/signatures.md, "Statements".
"""
