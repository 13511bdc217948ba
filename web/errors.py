"""Errors of the composition root (settings, database, HTTP parsing, the live socket),
with stable codes; the root of the tree is signing/errors.py.

    WebError                            internal_error (500)
    ├── SettingsInvalid, MigrationError, DatabaseUnavailable (503), …
    ├── RequestInvalid                  request_invalid (422), and what a body breaks
    ├── CsrfTokenInvalid, MetricsForbidden, WebSocketRefused (403)
    ├── TrustStoreUnavailable           trust_store_unavailable (503)
    ├── StorageFull                     storage_full (507)
    ├── DemoCaDisabled                  demo_ca_disabled (404)
"""

from __future__ import annotations

from signing.errors import EtenderError


class WebError(EtenderError):
    """Root of the web layer's own errors: unless a class says otherwise, the server's
    fault (500)."""

    code = "internal_error"
    status = 500


class SettingsInvalid(WebError):
    """A setting (environment or command line) out of its allowed range or format."""

    code = "settings_invalid"


class DatabaseUnavailable(WebError):
    """The database does not answer, or refuses our connections."""

    code = "database_unavailable"
    status = 503


class PostgresNotFound(DatabaseUnavailable):
    """No PostgreSQL server programs were found to run a local database."""

    code = "postgres_not_found"


class MigrationError(WebError):
    """A schema migration could not be applied."""

    code = "migration_failed"


class RequestInvalid(WebError):
    """The request body or parameters do not match the expected shape."""

    code = "request_invalid"
    status = 422


class MalformedJson(RequestInvalid):
    """The body is not JSON at all."""

    code = "malformed_json"
    status = 400


class TextContainsNul(RequestInvalid):
    """A NUL character in a parameter, a JSON string or a form field: no text field of
    the platform holds one, and PostgreSQL text cannot store it."""

    code = "text_contains_nul"
    status = 400


class TextContainsBidiControl(RequestInvalid):
    """A bidirectional control character (U+202A–U+202E, U+2066–U+2069) in the path, a
    query parameter, a JSON string or a form field: it makes text display in an order
    other than the one it is stored, signed and compared in ("Trojan source",
    CVE-2021-42574), and no text field of the platform needs one."""

    code = "text_contains_bidi_control"
    status = 400


class ContentTypeUnsupported(RequestInvalid):
    """A JSON endpoint given a body whose Content-Type is not ``application/json`` (an
    endpoint that takes no body included): refused before the body is read, so a
    cross-site form's ``text/plain`` (sent without a CORS preflight) never reaches a
    handler."""

    code = "content_type_unsupported"
    status = 415


class BodyTooLarge(RequestInvalid):
    """The body is larger than ``max_body_bytes`` (or the route's own limit)."""

    code = "body_too_large"
    status = 413


class BodyReadTimeout(RequestInvalid):
    """The body did not arrive within its time limit (web/form_body.py, web/http.py)."""

    code = "body_read_timeout"
    status = 408


class RequestMalformed(WebError):
    """Not HTTP/1.1 at all (answered by the protocol, web/http_limits.py)."""

    code = "request_malformed"
    status = 400


class HeadersTooLarge(WebError):
    """The request line and headers exceed ``max_header_bytes`` (RFC 6585 §5)."""

    code = "request_headers_too_large"
    status = 431


class HeadersTimeout(WebError):
    """The request line and headers did not arrive in ``header_read_timeout_seconds``."""

    code = "request_headers_timeout"
    status = 408


class TooManyHeaders(WebError):
    """More header fields than ``max_header_count`` (RFC 6585 §5)."""

    code = "too_many_request_headers"
    status = 431


class MetricsForbidden(WebError):
    """/metrics asked for without the operations token, or from afar without one set."""

    code = "metrics_forbidden"
    status = 403


class WebSocketRefused(WebError):
    """A WebSocket to no route, refused before its handshake (web/app.py)."""

    code = "websocket_refused"
    status = 403


class NotFound(WebError):
    """No route serves this path."""

    code = "not_found"
    status = 404


class MethodNotAllowed(WebError):
    """A route serves this path, but not with this method (``Allow`` lists them)."""

    code = "method_not_allowed"
    status = 405


class CsrfTokenInvalid(WebError):
    """A cookie-authenticated change without the session's CSRF token."""

    code = "csrf_token_invalid"
    status = 403


class StorageFull(WebError):
    """A disk of the platform is full (its files, or PostgreSQL's): nothing was done."""

    code = "storage_full"
    status = 507  # Insufficient Storage (RFC 4918 §11.5)


class TrustStoreUnavailable(WebError):
    """No trusted CA is configured, so no signature or certificate can be checked."""

    code = "trust_store_unavailable"
    status = 503


class DemoCaDisabled(WebError):
    """The demo CA issues nothing here: ``ETENDER_DEMO_CA_DIR`` names no demo CA folder."""

    code = "demo_ca_disabled"
    status = 404


class FontMissing(WebError):
    """The CJK font a PDF embeds is not installed (web/pdf/base.py)."""

    code = "pdf_font_missing"
    status = 422
