"""Supervisors' notes (监督记录): a supervisor's own signed record of what it saw in a
session — attached to the session, shown to supervisors only, never part of what the
members sign (issue 11, item 10; docs/api-evaluation.md, "Supervisors' notes")."""
