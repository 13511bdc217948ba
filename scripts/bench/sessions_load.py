"""The load generator of scripts/bench/sessions.py: one child process drives a share of
the sockets (uvloop, the `websockets` client), told what to do by the parent.

Open loop, so that a slow server shows as latency rather than as fewer commands (no
coordinated omission): member m of a slice sends its k-th command at ``start + offset_m
+ k / rate``, whether or not earlier ones were answered; the offsets are spread over
one period, so nobody exceeds the socket's token bucket (live/limits.py: 10 burst,
1 per second) as long as ``rate`` ≤ 1. Ack latency is the time from handing the frame
to the socket to reading its ``ack`` (the server sends it after the commit). Every
wait is bounded (``CONNECT_SECONDS``, ``DRAIN_SECONDS``).

The parent drives its children through :class:`Load` (a multiprocessing pipe each, one
message each way per step): ``("connect",)`` → ``("connected", count, failures)``;
``("go", start, end, warm)`` → ``("done", Result)``. Times are ``time.monotonic()``
(CLOCK_MONOTONIC: one clock for every process of the machine).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Sequence
from multiprocessing.connection import Connection
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

CONNECT_SECONDS = 60.0  # one socket's handshake and hello
CONNECTING_AT_ONCE = 32  # handshakes in flight per process (each is a few queries)
DRAIN_SECONDS = 30.0  # after the end, for commands still unanswered
CLOSE_SECONDS = 10.0


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class SocketPlan:
    """One participant's socket: where, who, and (members) when to send what."""

    url: str
    token: str
    name: str  # message ids are "<name>.<k>"
    member: bool
    offset: float  # seconds after the start of its first command
    command: str
    data: dict[str, Any]
    compression: str | None = "deflate"  # what the client offers (browsers: deflate)


@dataclasses.dataclass(kw_only=True, slots=True)
class Result:
    """What one load process saw."""

    sockets: int = 0
    sent: int = 0
    acks: int = 0
    latencies_ms: list[float] = dataclasses.field(default_factory=list)  # after the warm-up
    events: int = 0  # event frames received between the warm-up's end and the end
    acks_in_window: int = 0  # acks received in that window (the server's throughput)
    errors: Counter[str] = dataclasses.field(default_factory=Counter)  # by code
    connect_failures: Counter[str] = dataclasses.field(default_factory=Counter)
    closed_early: Counter[str] = dataclasses.field(default_factory=Counter)  # by close code
    unanswered: int = 0  # neither ack nor error within DRAIN_SECONDS after the end


class Participant:
    """One socket, its reader and (a member) its sender."""

    def __init__(self, plan: SocketPlan, result: Result, period: float) -> None:
        self.plan = plan
        self.result = result
        self.period = period  # seconds between two commands of a member
        self.closing = False
        self.ws: ClientConnection | None = None
        self.pending: dict[str, tuple[float, bool]] = {}  # id → (sent at, counted)
        self.window = (float("inf"), float("inf"))  # (warm-up end, end)
        self.reader: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        ws = await websockets.connect(
            self.plan.url,
            additional_headers={"Authorization": f"Bearer {self.plan.token}"},
            open_timeout=CONNECT_SECONDS,
            max_queue=None,
            compression=self.plan.compression,
        )
        hello = json.loads(await asyncio.wait_for(ws.recv(), CONNECT_SECONDS))
        if hello.get("type") != "hello":
            await ws.close()
            raise RuntimeError(f"no hello: {hello}")
        self.ws = ws
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.ws is not None
        result = self.result
        try:
            async for raw in self.ws:
                now = time.monotonic()
                frame = json.loads(raw)
                kind = frame["type"]
                if kind == "event":
                    if self.window[0] <= now <= self.window[1]:
                        result.events += 1
                elif kind in ("ack", "answer"):  # a query (snapshot) is answered, not acked
                    if self.window[0] <= now <= self.window[1]:
                        result.acks_in_window += 1
                    sent = self.pending.pop(frame["id"], None)
                    if sent is not None:
                        result.acks += 1
                        if sent[1]:
                            result.latencies_ms.append((now - sent[0]) * 1000)
                elif kind == "error":
                    result.errors[frame["error"]["code"]] += 1
                    if frame.get("id") is not None:
                        self.pending.pop(frame["id"], None)
        except ConnectionClosed as exc:
            if not self.closing:
                code = exc.rcvd.code if exc.rcvd is not None else "none"
                result.closed_early[str(code)] += 1

    async def drive(self, start: float, end: float, warm: float) -> None:
        """Send one command per period from ``start + offset`` until ``end``."""
        assert self.ws is not None
        self.window = (warm, end)
        if not self.plan.member:
            return
        period = self.period
        k = 0
        while (due := start + self.plan.offset + k * period) < end:
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            msg_id = f"{self.plan.name}.{k}"
            frame = json.dumps({"id": msg_id, "type": self.plan.command, "data": self.plan.data})
            try:
                await self.ws.send(frame)
            except ConnectionClosed:
                return
            self.pending[msg_id] = (time.monotonic(), due >= warm)
            self.result.sent += 1
            k += 1

    async def close(self) -> None:
        self.closing = True
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.ws.close(), CLOSE_SECONDS)
        if self.reader is not None:
            self.reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.reader


async def _connect_all(people: list[Participant], result: Result) -> list[Participant]:
    gate = asyncio.Semaphore(CONNECTING_AT_ONCE)

    async def one(person: Participant) -> bool:
        async with gate:
            try:
                await person.connect()
                return True
            except Exception as exc:  # counted, never fatal: the report says how many
                result.connect_failures[type(exc).__name__] += 1
                return False

    ok = await asyncio.gather(*(one(p) for p in people))
    return [p for p, good in zip(people, ok, strict=True) if good]


async def _serve(pipe: Connection, plans: list[SocketPlan], rate: float) -> None:
    loop = asyncio.get_running_loop()
    result = Result()
    people = [Participant(plan, result, 1.0 / rate) for plan in plans]
    await loop.run_in_executor(None, pipe.recv)  # ("connect",)
    connected = await _connect_all(people, result)
    result.sockets = len(connected)
    pipe.send(("connected", len(connected), dict(result.connect_failures)))
    _, start, end, warm = await loop.run_in_executor(None, pipe.recv)
    await asyncio.gather(*(p.drive(start, end, warm) for p in connected))
    drain_until = time.monotonic() + DRAIN_SECONDS
    # Polling a few thousand small dicts ten times a second costs less than an event
    # set by every answer.
    while any(p.pending for p in connected) and time.monotonic() < drain_until:  # noqa: ASYNC110
        await asyncio.sleep(0.1)
    result.unanswered = sum(len(p.pending) for p in connected)
    await asyncio.gather(*(p.close() for p in connected))
    pipe.send(("done", result))


def worker(pipe: Connection, plans: list[SocketPlan], rate: float, nice: int) -> None:
    """The child process's entry point."""
    import uvloop

    if nice:
        os.nice(nice)
    uvloop.run(_serve(pipe, plans, rate))


CONNECT_PHASE_SECONDS = 600.0  # every socket of a load process connected


def _recv(pipe: Connection, timeout: float) -> Any:
    if not pipe.poll(timeout):
        raise TimeoutError(f"a load process did not answer within {timeout:.0f} s")
    return pipe.recv()


class Load:
    """The parent's handle on ``processes`` load processes sharing ``plans`` (spawned: a
    fresh interpreter each, nothing inherited from the parent's event loop)."""

    def __init__(self, plans: Sequence[SocketPlan], processes: int, rate: float, nice: int) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.pipes: list[Connection] = []
        self.procs: list[multiprocessing.process.BaseProcess] = []
        for j in range(processes):
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=worker, args=(child, list(plans[j::processes]), rate, nice))
            proc.start()
            self.pipes.append(parent)
            self.procs.append(proc)

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.procs if p.pid is not None]

    async def _answers(self, within: float) -> list[Any]:
        loop = asyncio.get_running_loop()
        return await asyncio.gather(
            *(loop.run_in_executor(None, _recv, p, within) for p in self.pipes)
        )

    async def connect(self) -> tuple[int, Counter[str]]:
        """Connect every socket; how many did, and the failures by exception."""
        for pipe in self.pipes:
            pipe.send(("connect",))
        failures: Counter[str] = Counter()
        connected = 0
        for _, count, failed in await self._answers(CONNECT_PHASE_SECONDS):
            connected += count
            failures.update(failed)
        return connected, failures

    def go(self, start: float, end: float, warm: float) -> None:
        """Members send from ``start`` to ``end``; latencies count from ``warm``."""
        for pipe in self.pipes:
            pipe.send(("go", start, end, warm))

    async def results(self, seconds_left: float) -> list[Result]:
        """Each process's result, once its members are done, answered and closed."""
        bound = seconds_left + DRAIN_SECONDS + 2 * CLOSE_SECONDS + 60
        return [answer[1] for answer in await self._answers(bound)]

    def close(self) -> None:
        """Reap the processes (killed if one outlives ``CLOSE_SECONDS``)."""
        for proc in self.procs:
            proc.join(timeout=CLOSE_SECONDS)
            if proc.is_alive():
                proc.kill()
                proc.join(timeout=CLOSE_SECONDS)
