"""``etender session``: a member's client of a live evaluation session (issue 11, item 11).

For scripted use, load tests and members who will not trust a page: it speaks
docs/live-sessions.md over a socket that survives dropped connections and dead
servers (socket.py), keeps its state where only the member can read it (state.py,
files.py, records.py), seals and signs score sheets on the member's machine and
releases a sheet's key only when the session reveals (commands/). It imports signing/
and the websockets and httpx libraries, never server code (tests/test_layering.py).
"""
