"""The harness's bound on teardowns (tests/bounds.py ``bounded``): a step that never
ends fails with the stack of the task that hangs, one that ends passes its result on."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from tests import bounds


async def test_a_teardown_that_never_ends_fails_naming_it_with_every_stack(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release = asyncio.Event()

    async def swallows_every_cancellation() -> None:
        # The shape of a stop that hangs: ``suppress(CancelledError)`` around an
        # ``await`` of something that never ends (web/background.py's ``stop`` awaits
        # its tasks so).
        while not release.is_set():
            with contextlib.suppress(asyncio.CancelledError):
                await release.wait()

    monkeypatch.setattr(bounds, "TEARDOWN_BOUND", 0.2)
    step = swallows_every_cancellation()
    with pytest.raises(pytest.fail.Exception) as failed:
        await bounds.bounded("the hanging stop", step)
    message = str(failed.value)
    assert message.startswith("the hanging stop did not finish in 0.2 s")
    assert "swallows_every_cancellation" in message  # the stuck task's own frame
    assert "--- thread" in message
    release.set()  # the step, left running by the bound, ends here
    (stuck,) = [t for t in asyncio.all_tasks() if t.get_coro() is step]
    await stuck


async def test_a_teardown_that_ends_passes_and_its_error_goes_on() -> None:
    async def stops() -> None:
        await asyncio.sleep(0)

    async def breaks() -> None:
        raise RuntimeError("the stop failed")

    await bounds.bounded("a stop", stops())
    with pytest.raises(RuntimeError, match="the stop failed"):
        await bounds.bounded("a stop", breaks())
