"""First-start key files are created once and read whole by every process that starts
together (tender/keyfiles.py; CI saw an upload worker read an empty ``log.skey``)."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

from tender.submission.receipts import load_or_create as load_receipt_signer
from web.logkey import load_or_create as load_log_key
from web.services import load_id_card_key
from web.settings import Settings


def _start(data_dir: str, barrier: Any, out: Any) -> None:
    """What one starting process reads: the log key, the matching key, the receipt cert;
    every process starts at the barrier, so they meet the missing files together."""
    barrier.wait()
    settings = Settings(data_dir=Path(data_dir))
    log = load_log_key(settings).signer.to_skey()
    card = load_id_card_key(settings.data_dir).hex()
    receipt = load_receipt_signer(settings.data_dir).identity.certificate.serial_number
    out.put((log, card, str(receipt)))


def test_processes_starting_together_on_a_new_data_dir_share_one_set_of_keys(
    tmp_path: Path,
) -> None:
    """Eight processes at once: one creates each key, all read the same, whole."""
    context = multiprocessing.get_context("fork")
    barrier, out = context.Barrier(8), context.Queue()
    starts = [
        context.Process(target=_start, args=(str(tmp_path / "data"), barrier, out))
        for _ in range(8)
    ]
    for process in starts:
        process.start()
    seen = [out.get(timeout=60) for _ in starts]
    for process in starts:
        process.join()
    assert [process.exitcode for process in starts] == [0] * 8
    assert len(set(seen)) == 1
    assert all(part for part in seen[0])
