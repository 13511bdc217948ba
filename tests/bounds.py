"""Bounds on the harness's teardowns (tests/conftest.py uses them)."""

from __future__ import annotations

import asyncio
import io
import sys
import traceback
from collections.abc import Coroutine
from typing import Any

import pytest

# A teardown that never ends hung a whole run once (an xdist worker at 99 %, in the
# async teardown of a test on the results template): the fixtures that stop what a
# test started (the app's lifespan: its jobs and live hub; the live server; the pool;
# the database's reset) are bounded, and one that does not finish fails its test with
# the stack of every task and thread instead of hanging the run. The bound is no
# timing assertion: it is many times the slowest teardown seen (a few seconds).
TEARDOWN_BOUND = 120.0


def _stacks() -> str:
    """Every asyncio task's and every thread's stack, for a teardown that hangs."""
    out = io.StringIO()
    for task in asyncio.all_tasks():
        print(f"--- task {task.get_name()}: {task.get_coro()!r}", file=out)
        task.print_stack(file=out)
    for ident, frame in sys._current_frames().items():
        print(f"--- thread {ident}", file=out)
        traceback.print_stack(frame, file=out)
    return out.getvalue()


async def bounded(what: str, step: Coroutine[Any, Any, object]) -> None:
    """Run a teardown step; fail loudly, with every stack, if it has not ended in
    ``TEARDOWN_BOUND`` seconds. The step runs as a task of its own so that a step that
    swallows its cancellation (a ``suppress(CancelledError)`` around a task that never
    ends) cannot hang this wait too."""
    task = asyncio.ensure_future(step)
    done, _ = await asyncio.wait({task}, timeout=TEARDOWN_BOUND)
    if task in done:
        task.result()
        return
    stacks = _stacks()
    task.cancel()
    sys.stderr.write(f"{what} did not finish in {TEARDOWN_BOUND:g} s:\n{stacks}")
    pytest.fail(f"{what} did not finish in {TEARDOWN_BOUND:g} s; every stack:\n{stacks}")
