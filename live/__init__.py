"""The live-session engine: sequenced events, audiences and fan-out (DESIGN.md, "Live sessions").

A session kind (the opening hall, an evaluation session) states its commands, events and
audiences in its own domain package and plugs in through ``live.kinds.LiveKind``; web/
only carries the frames of one WebSocket per participant (web/live/endpoint.py).
"""
