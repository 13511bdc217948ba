"""The platform's JSON API as the users' programs call it (docs/api.md): the error body,
retries across dropped connections."""

from __future__ import annotations

import time

import httpx

from client.errors import ApiError

# A dropped connection or a restarting server is retried with backoff (0.25 s, doubling,
# at most 8 s) for this long without progress: a crash whose restart takes a minute on
# a busy machine must not make a bidder give up minutes before the deadline. Refusals
# the server names (other than a busy or moved upload) are never retried.
RETRY_SECONDS = 300.0
# A server whose database is restarting says so (docs/faults.md): retried like a drop.
UNAVAILABLE = "database_unavailable"


def backoff(attempt: int) -> float:
    """Seconds to wait before retry number ``attempt`` (0.25 s, doubling, at most 8 s)."""
    return min(8.0, 0.25 * (1 << min(attempt, 8)))


def api_error(response: httpx.Response) -> ApiError:
    """The error body of a refused request (``{"error": {code, message, details}}``)."""
    try:
        error = response.json()["error"]
    except (ValueError, KeyError, TypeError):
        error = {"code": f"http_{response.status_code}", "message": response.text[:200]}
    return ApiError(response.status_code, error["code"], error["message"], error.get("details"))


class Api:
    """The platform's JSON API over one HTTP client."""

    def __init__(self, server: str, token: str = "") -> None:
        # No token: public reads only (a published tender), no Authorization header at all.
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        timeout = httpx.Timeout(60.0, connect=10.0)
        self.client = httpx.Client(base_url=server.rstrip("/"), headers=headers, timeout=timeout)

    def __enter__(self) -> Api:
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()

    def call(
        self, method: str, path: str, *, raw: bool = False, **kwargs: object
    ) -> dict[str, object]:
        response = self.client.request(method, path, **kwargs)  # type: ignore[arg-type]
        if raw and response.status_code == 200:
            return {"pem": response.text}
        if response.status_code >= 400:
            raise api_error(response)
        body: dict[str, object] = response.json()
        return body

    def retrying(
        self, method: str, path: str, *, raw: bool = False, json: object = None
    ) -> dict[str, object]:
        """A call retried across dropped connections (idempotent requests only)."""
        give_up = time.monotonic() + RETRY_SECONDS
        attempt = 0
        while True:
            try:
                return self.call(method, path, raw=raw, json=json)
            except (httpx.TransportError, ApiError) as exc:
                if isinstance(exc, ApiError) and exc.code != UNAVAILABLE:
                    raise
                if time.monotonic() >= give_up:
                    raise
                time.sleep(backoff(attempt))
                attempt += 1
