"""The one place that turns any error into an HTTP status (STYLE.md, point 8).

Domain packages raise errors named after the rule broken, with a stable ``code`` and no
notion of HTTP. The status follows from the code: an explicit table first, then the
naming conventions the packages share, then 422 for any other broken rule. Unknown
exceptions are internal errors (500) and never leak their text.
"""

from __future__ import annotations

STATUS_BY_CODE: dict[str, int] = {
    "unauthenticated": 401,
    "session_expired": 401,
    "token_invalid": 401,
    "credentials_invalid": 401,
    "account_locked": 423,
    "login_rate_limited": 429,
    "csrf_token_invalid": 403,
    "permission_denied": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "body_too_large": 413,
    "malformed_json": 400,
    "request_invalid": 422,
    "database_unavailable": 503,
}

SUFFIX_STATUS: tuple[tuple[str, int], ...] = (
    ("_not_found", 404),
    ("_forbidden", 403),
    ("_exists", 409),
    ("_conflict", 409),
    ("_duplicate", 409),
    ("_rate_limited", 429),
)


def status_for(exc: BaseException) -> int:
    """HTTP status for an exception: by code, by convention, else 422 or 500."""
    status = getattr(exc, "status", None)
    code = getattr(exc, "code", None)
    if not isinstance(code, str):
        return 500
    if code in STATUS_BY_CODE:
        return STATUS_BY_CODE[code]
    if isinstance(status, int):
        return status
    for suffix, mapped in SUFFIX_STATUS:
        if code.endswith(suffix):
            return mapped
    return 422


# WebSocket close codes for the same errors (RFC 6455 private range 4000-4999):
# 4000 + the HTTP status, so a client can read either the same way.
def close_code_for(exc: BaseException) -> int:
    """WebSocket close code for an exception."""
    return 4000 + status_for(exc)
