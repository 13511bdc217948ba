"""The users' programs: the bidder's, official's, expert's and witness's commands.

They depend on signing/ and the HTTP API only, never on server code (DESIGN.md,
"Architecture"; tests/test_layering.py).
"""
