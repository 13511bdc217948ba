"""Errors of the live-session engine, under the one root (signing/errors.py).

    LiveError                      live_error                    422
    ├── LiveSessionNotFound        live_session_not_found        404
    ├── LiveCommandIdReused        live_command_id_conflict      409
    └── LiveRateLimited            live_rate_limited             429

A refusal of the protocol itself (a bad frame) is the web layer's ``request_invalid``;
a session kind's refusals are its own domain's errors.
"""

from __future__ import annotations

from signing.errors import EtenderError


class LiveError(EtenderError):
    """Root of every error raised by live/."""

    code = "live_error"
    status = 422


class LiveSessionNotFound(LiveError):
    """No live session has this id, or none of a kind this server runs."""

    code = "live_session_not_found"
    status = 404


class LiveCommandIdReused(LiveError):
    """The participant already used this client id in the session for another command
    (another type or data): a retry must resend the same body, a new command takes a
    new id (docs/live-sessions.md, "Commands")."""

    code = "live_command_id_conflict"
    status = 409


class LiveRateLimited(LiveError):
    """The live socket has no token left (live/limits.py): the frame is dropped."""

    code = "live_rate_limited"
    status = 429
