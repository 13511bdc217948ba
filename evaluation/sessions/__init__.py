"""The evaluation session's core (issue 11): scheduling, members, phases, pauses.

Pure rules: model.py. With the database: queries.py (SQL), service.py (schedule, load),
journal.py (log entries), ops.py (the SessionOps every feature calls), views.py (what
each participant sees), commands.py (the core's commands; chair.py, replacements.py).
docs/formats/evaluation-session.md is the protocol.
"""
