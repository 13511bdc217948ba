"""Per-socket rate limits of live sessions: a token bucket per socket (no I/O).

Every frame a client sends costs one token, whatever it is (a command, presence, a
frame that is not JSON): each may cost the server a database round trip, and a socket
is cheap to keep open. Tokens come back at a steady rate up to the bucket's size, so a
client may burst a few commands and then keep a sustained pace. A frame without a
token is refused with ``live_rate_limited`` and nothing is written; a client that
keeps sending regardless is disconnected with close code 4429 (docs/live-sessions.md,
"Limits"). Time is an argument (STYLE.md 3): the caller passes a monotonic clock — the
endpoint takes a token as each frame is received, not when its command is applied
(web/live/endpoint.py), so a slow commit never counts against the client.
"""

from __future__ import annotations

import dataclasses
import math

from live.errors import LiveRateLimited

# docs/live-sessions.md, "Limits": the documented numbers.
BURST = 10
PER_SECOND = 1.0
CLOSE_AFTER_REFUSED = 10
CLOSE_RATE_LIMITED = 4429  # 4000 + HTTP 429, as every other refusal (web/errormap.py)

# The largest frame a client may send, in bytes of its UTF-8 text. The largest
# legitimate command is a `submit_sheet` at the sheet format's maximum: a 1 MiB
# ciphertext (signing/sheets/format.py MAX_CIPHERTEXT) is 1 398 102 base64url
# characters, its CMS signature with the member's certificate and chain 1 582 bytes
# measured (P-256; 3 204 with RSA-3072: 4 272 characters) — about 1.41 MB in all, and a
# realistic sheet (30 bids × 40 items) makes a 124 KB frame. 2 MiB leaves a margin of
# about 690 KB (a `revise` carries its reasons besides the sheet). Above it the socket
# is closed with 1009 (RFC 6455 §7.4.1, "message too big"): nothing is read or applied.
MAX_FRAME_BYTES = 2 << 20
CLOSE_FRAME_TOO_BIG = 1009


def rate_limited(wait: float) -> LiveRateLimited:
    """The refusal of a frame without a token; ``wait``: seconds until there is one."""
    retry_ms = None if math.isinf(wait) else max(1, math.ceil(wait * 1000))
    return LiveRateLimited(
        "too many messages on this socket: wait and send again",
        details={"retry_after_ms": retry_ms},
    )


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class LiveLimits:
    """The bucket's size and refill rate, and how many refusals in a row close a socket."""

    burst: int = BURST
    per_second: float = PER_SECOND
    close_after_refused: int = CLOSE_AFTER_REFUSED

    def bucket(self, now: float) -> TokenBucket:
        """A full bucket for a new socket."""
        return TokenBucket(limits=self, tokens=float(self.burst), stamp=now)


@dataclasses.dataclass(kw_only=True, slots=True)
class TokenBucket:
    """One socket's bucket; ``refused`` counts refusals since the last accepted frame."""

    limits: LiveLimits
    tokens: float
    stamp: float
    refused: int = 0

    def take(self, now: float) -> float:
        """Spend a token: 0.0 if there was one, else the seconds until there will be."""
        elapsed = max(0.0, now - self.stamp)
        self.tokens = min(float(self.limits.burst), self.tokens + elapsed * self.limits.per_second)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            self.refused = 0
            return 0.0
        self.refused += 1
        if self.limits.per_second <= 0:
            return math.inf
        return (1.0 - self.tokens) / self.limits.per_second

    @property
    def exhausted(self) -> bool:
        """Whether the client ignored enough refusals in a row to be disconnected."""
        return self.refused >= self.limits.close_after_refused
