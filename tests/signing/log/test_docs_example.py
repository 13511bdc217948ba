"""docs/audit-log.md's worked example is true to the bytes (§1.1, §1.2, §3.2, §4).

Outside implementers build their verifiers from these numbers, so the test recomputes
every one of them from the example entries and the published example seeds: the leaf
hashes, the root, both proofs, the log's signature line, the witness's cosignature line
and both verifier keys. A changed example entry fails here until the numbers follow.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from signing.log.checkpoint import Checkpoint, Cosigner, private_key_from_raw, sign_checkpoint
from signing.log.merkle import MemoryTree, leaf_hash
from signing.log.note import Ed25519Signer, add_signatures, encode_base64

DOC = (Path(__file__).parents[3] / "docs" / "audit-log.md").read_text(encoding="utf-8")
LOG_SEED = bytes(range(0x00, 0x20))
WITNESS_SEED = bytes(range(0x20, 0x40))
WITNESS_TIME = dt.datetime(2025, 3, 1, 1, 35, tzinfo=dt.UTC)


def _section(title: str) -> str:
    start = DOC.index(title)
    end = DOC.find("\n### ", start + len(title))
    end = min(e for e in (end, DOC.find("\n## ", start + len(title))) if e != -1)
    return DOC[start:end]


def _code_blocks(text: str) -> list[str]:
    return re.findall(r"```\n(.*?)\n```", text, re.S)


def _entries() -> list[bytes]:
    """The example's three entries: the created user (§1.1), a login (§3.2), the bid
    commitment (§1.2)."""
    created = _code_blocks(_section("### 1.1 Example"))[0]
    login = re.search(r"The second entry is\n`(\{.*?\})`;", DOC, re.S)
    assert login is not None
    bid = next(b for b in _code_blocks(_section("### 1.2 Salted")) if b.startswith("{"))
    return [created.encode(), login[1].encode(), bid.encode()]


def _listed(label: str) -> list[str]:
    found = re.search(label + r"\n`(\[.*?\])`", DOC, re.S)
    assert found is not None, label
    listed: list[str] = json.loads(found[1])
    return listed


def test_the_example_leaf_hash_is_the_first_entrys() -> None:
    stated = re.search(r"leaf hash is `([0-9a-f]{64})`", _section("### 1.1 Example"))
    assert stated is not None
    assert leaf_hash(_entries()[0]).hex() == stated[1]


def test_the_example_checkpoint_proofs_signature_and_cosignature_are_recomputed() -> None:
    tree = MemoryTree()
    for entry in _entries():
        tree.append(entry)
    section = _section("### 3.2 Checkpoint text")
    note_text, vkeys = [b for b in _code_blocks(section) if "etender.example.gov.cn" in b][:2]
    origin = note_text.split("\n", 1)[0]
    signer = Ed25519Signer(name=origin, private_key=private_key_from_raw(LOG_SEED))
    witness = Cosigner(
        name="supervision.example.gov.cn/witness", private_key=private_key_from_raw(WITNESS_SEED)
    )
    checkpoint = Checkpoint(origin=origin, size=tree.size, root_hash=tree.root())
    note = sign_checkpoint(checkpoint, signer)
    note = add_signatures(note, [witness.cosign(checkpoint, WITNESS_TIME)])
    assert note.to_text() == note_text + "\n"
    assert vkeys.split("\n") == [signer.verifier().to_vkey(), witness.verifier().to_vkey()]
    assert _listed("the inclusion proof of entry 1 in the tree of 3 is") == [
        encode_base64(h) for h in tree.inclusion_proof(1, 3)
    ]
    assert _listed("the consistency proof from 1 to 3 is") == [
        encode_base64(h) for h in tree.consistency_proof(1, 3)
    ]
