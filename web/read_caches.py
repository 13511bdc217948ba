"""Per-process caches of two hot reads, each with a documented staleness bound (issue 17,
item 5; docs/performance.md, "HTTP API").

- **The newest checkpoint** (GET /api/v1/log/checkpoint). The log signs at most one
  checkpoint a second and witnesses add cosignatures to it; every verifier polls it. The
  note is kept for ``ETENDER_CHECKPOINT_CACHE_SECONDS`` (1 s by default): a served note
  was the newest in the database at some instant at most that long before the response
  (the age is counted from *before* the read that fetched it). One read at a time
  refreshes it; the others wait for that read instead of each querying. A cosignature
  accepted by this process clears it at once.
- **Sessions** (``Authorization: Bearer`` and the session cookie, web/auth.py). A
  request's session, account and roles cost two queries before the handler's own. An
  authenticated actor is kept for ``ETENDER_SESSION_CACHE_SECONDS`` (2 s by default),
  keyed by the token's SHA-256 (never the token) and by how it came (header or cookie).
  So a session revoked, expired or logged out on another process, an account disabled or
  a role withdrawn, stops being honoured at most that long later on this one; a logout
  through this process ends it here at once. Unknown and refused tokens are never kept:
  each goes to the database and is counted as a refusal as before.

0 turns either cache off (the test settings' default, so that tests see every change
at once unless they test the cache).
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Awaitable, Callable
from uuid import UUID

from accounts.model import Actor
from accounts.sessions.model import SessionKind

Clock = Callable[[], float]
# Enough for every session active within a bound of a few seconds on a busy node; the
# oldest entries go first when it is full (dicts keep insertion order).
MAX_SESSIONS = 20_000


class NewestNote:
    """The newest checkpoint note, re-read at most once per ``ttl`` seconds."""

    def __init__(self, ttl: float, clock: Clock = time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock  # tests move a fake one
        self._value: str | None = None
        self._read_at = 0.0
        self._generation = 0
        self._lock = asyncio.Lock()

    def _fresh(self) -> str | None:
        if self._value is not None and self.clock() - self._read_at < self.ttl:
            return self._value
        return None

    async def get(self, load: Callable[[], Awaitable[str]]) -> str:
        """The cached note, or ``load()``'s when it is older than the bound."""
        if self.ttl <= 0:
            return await load()
        found = self._fresh()
        if found is not None:
            return found
        async with self._lock:  # one refresh at a time; waiters take its result
            found = self._fresh()
            if found is not None:
                return found
            generation, started = self._generation, self.clock()
            value = await load()
            if generation == self._generation:  # not cleared while it was read
                self._value, self._read_at = value, started
            return value

    def clear(self) -> None:
        """Forget the note (this process changed it)."""
        self._value = None
        self._generation += 1


@dataclasses.dataclass(frozen=True, slots=True)
class _Entry:
    actor: Actor
    kind: SessionKind
    read_at: float


class SessionCache:
    """Authenticated actors by token digest, each kept at most ``ttl`` seconds."""

    def __init__(self, ttl: float, clock: Clock = time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock  # tests move a fake one
        self._entries: dict[bytes, _Entry] = {}

    def get(self, digest: bytes, kind: SessionKind, address: str | None) -> Actor | None:
        """The actor of a session read within the bound and presented the same way."""
        entry = self._entries.get(digest)
        if entry is None:
            return None
        if entry.kind is not kind or self.clock() - entry.read_at >= self.ttl:
            del self._entries[digest]  # the database decides again (and counts a refusal)
            return None
        return dataclasses.replace(entry.actor, address=address)

    def put(self, digest: bytes, kind: SessionKind, actor: Actor, read_at: float) -> None:
        """Keep an actor the database has just authenticated (read at ``read_at``)."""
        if self.ttl <= 0:
            return
        while len(self._entries) >= MAX_SESSIONS:
            del self._entries[next(iter(self._entries))]
        self._entries[digest] = _Entry(actor=actor, kind=kind, read_at=read_at)

    def now(self) -> float:
        """This cache's clock, read before the database is asked."""
        return self.clock()

    def drop_session(self, session_id: UUID | None) -> None:
        """Forget a session this process ended (logout)."""
        for digest in [d for d, e in self._entries.items() if e.actor.session_id == session_id]:
            del self._entries[digest]


@dataclasses.dataclass(frozen=True, slots=True)
class ReadCaches:
    """The process's caches (web/services.py's Services.read_caches)."""

    checkpoint: NewestNote
    sessions: SessionCache

    @classmethod
    def from_bounds(cls, checkpoint_seconds: float, session_seconds: float) -> ReadCaches:
        """Caches with these staleness bounds (settings' ETENDER_*_CACHE_SECONDS)."""
        return cls(
            checkpoint=NewestNote(checkpoint_seconds), sessions=SessionCache(session_seconds)
        )

    @classmethod
    def off(cls) -> ReadCaches:
        """Caches that keep nothing."""
        return cls.from_bounds(0.0, 0.0)
