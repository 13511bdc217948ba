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


class NotFound(EtenderError):
    code = "not_found"
    status = 404


class MethodNotAllowed(EtenderError):
    code = "method_not_allowed"
    status = 405
