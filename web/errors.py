"""Errors of the composition root (settings, database, HTTP parsing), with stable codes."""

from __future__ import annotations


class EtenderError(Exception):
    """Root of the web layer's own errors; domain packages have their own roots."""

    code = "internal_error"
    status = 500

    def __init__(self, message: str, *, details: object = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class SettingsInvalid(EtenderError):
    code = "settings_invalid"


class DatabaseUnavailable(EtenderError):
    code = "database_unavailable"
    status = 503


class PostgresNotFound(DatabaseUnavailable):
    code = "postgres_not_found"


class MigrationError(EtenderError):
    code = "migration_failed"


class RequestInvalid(EtenderError):
    """The request body or parameters do not match the expected shape."""

    code = "request_invalid"
    status = 422


class MalformedJson(RequestInvalid):
    code = "malformed_json"
    status = 400


class TextContainsNul(RequestInvalid):
    """A NUL character in a parameter, a JSON string or a form field: no text field of
    the platform holds one, and PostgreSQL text cannot store it."""

    code = "text_contains_nul"
    status = 400


class BodyTooLarge(RequestInvalid):
    code = "body_too_large"
    status = 413


class BodyReadTimeout(RequestInvalid):
    """The body did not arrive within its time limit (web/form_body.py)."""

    code = "body_read_timeout"
    status = 408


class RequestMalformed(EtenderError):
    """Not HTTP/1.1 at all (answered by the protocol, web/http_limits.py)."""

    code = "request_malformed"
    status = 400


class HeadersTooLarge(EtenderError):
    """The request line and headers exceed ``max_header_bytes`` (RFC 6585 §5)."""

    code = "request_headers_too_large"
    status = 431


class HeadersTimeout(EtenderError):
    """The request line and headers did not arrive in ``header_read_timeout_seconds``."""

    code = "request_headers_timeout"
    status = 408


class TooManyHeaders(EtenderError):
    """More header fields than ``max_header_count`` (RFC 6585 §5)."""

    code = "too_many_request_headers"
    status = 431


class MetricsForbidden(EtenderError):
    """/metrics asked for without the operations token, or from afar without one set."""

    code = "metrics_forbidden"
    status = 403


class WebSocketRefused(EtenderError):
    """A WebSocket to no route, refused before its handshake (web/app.py)."""

    code = "websocket_refused"
    status = 403


class NotFound(EtenderError):
    code = "not_found"
    status = 404


class MethodNotAllowed(EtenderError):
    code = "method_not_allowed"
    status = 405
