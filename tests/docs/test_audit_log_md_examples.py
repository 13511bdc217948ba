"""docs/audit-log.md's examples outside §3.2's checkpoint are true to the bytes.

tests/signing/log/test_docs_example.py pins the leaf hash of §1.1 and the checkpoint of §3.2
(root, proofs, signature and cosignature lines, vkeys). Here: each example entry is a
strictly canonical entry (§1), the §1.2 commitment is recomputed and is the one the
entry logs, MTH({}) of §2, the root and proof plans of §2.1, the key IDs of §3.1 by the
formula as the doc states it, and §4's decoding of the witness line (key ID, time,
and the Ed25519 signature over the cosigned message laid out as §4 says).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from signing.log.entry import EntryKind, LogEntry, commit
from signing.log.merkle import (
    EMPTY_ROOT,
    LeafRange,
    Subtree,
    completed_subtrees,
    inclusion_proof_plan,
    root_plan,
)
from signing.log.note import MAX_SIGNATURES
from signing.statements.bid import STATEMENT_COMMIT_LABEL, statement_commitment
from tests.docs.markdown import code_blocks, found, read, section
from web.audit import routes as log_routes

DOC = read("audit-log.md")
CHECKPOINT = section(DOC, "### 3.2 Checkpoint text")


def _entries() -> dict[str, bytes]:
    created = code_blocks(section(DOC, "### 1.1 Example"))[0]
    bid = next(b for b in code_blocks(section(DOC, "### 1.2 Salted")) if b.startswith("{"))
    login = found(r"The second entry is\n`(\{.*?\})`;", DOC)[1]
    return {"1.1": created.encode(), "1.2": bid.encode(), "3.2": login.encode()}


def test_audit_log_md_example_entries_are_strictly_canonical() -> None:
    for where, raw in _entries().items():
        assert LogEntry.from_bytes(raw).to_bytes() == raw, where


def test_audit_log_md_created_user_entry_logs_no_username() -> None:
    """§1.1 and §1.3: `account.user_created` carries only `organisation_id`."""
    entry = json.loads(_entries()["1.1"])
    assert entry["kind"] == "account.user_created"
    assert set(entry["data"]) == {"organisation_id"}


def test_audit_log_md_commitment_example_is_recomputed() -> None:
    salted = section(DOC, "### 1.2 Salted")
    value, salt, size, stated = found(
        r'`commit\("([^"]+)", 0x00…([0-9a-f]+) \((\d+) bytes\)\)` =\n`([0-9a-f]{64})`', salted
    ).groups()
    salt_bytes = int(salt, 16).to_bytes(int(size), "big")
    assert commit(value, salt_bytes) == stated
    entry = json.loads(_entries()["1.2"])
    assert entry["commitments"] == ["bidder", "statement"]
    assert entry["data"]["bidder"] == stated
    # The statement's commitment under the same salt and its own label (upload.md §5).
    committed = found(r"`statement` =\n`([0-9a-f]{64})`", salted)[1]
    label = found(r'lp\("(etender-bid-statement-v1)"\)', salted)[1].encode()
    assert label == STATEMENT_COMMIT_LABEL
    assert found(r"statement hash and part `sha256` are SHA-256 of the ASCII texts", salted)
    sha256 = hashlib.sha256(b"statement").hexdigest()
    assert statement_commitment(sha256, salt_bytes) == committed == entry["data"]["statement"]
    assert entry["data"]["parts"][0]["sha256"] == hashlib.sha256(b"main").hexdigest()
    assert sha256 not in _entries()["1.2"].decode()


def test_audit_log_md_empty_tree_hash_is_sha256_of_nothing() -> None:
    head, tail = found(
        r"MTH\(\{\}\)\s+= SHA-256\(\"\"\)\s+\(([0-9a-f]{8})…([0-9a-f]{8})\)", DOC
    ).groups()
    assert EMPTY_ROOT.hex().startswith(head)
    assert EMPTY_ROOT.hex().endswith(tail)


def _subtrees(text: str) -> list[Subtree]:
    return [Subtree(int(a), int(b)) for a, b in re.findall(r"\((\d+),(\d+)\)", text)]


def test_audit_log_md_root_and_proof_plan_examples_are_recomputed() -> None:
    stored = section(DOC, "### 2.1 What is stored")
    size, plan = found(r"the root of size (\d+) is `([^→]*?)` →", stored).groups()
    assert list(root_plan(int(size))) == _subtrees(plan.replace("` `", " "))
    stated = found(
        r"the\s+inclusion\s+proof\s+of\s+leaf\s+(\d+)\s+in\s+a\s+tree\s+of\s+(\d+)\s+is\s+the"
        r"\s+MTHs\s+of\s+(.*?),\s+needing\s+subtrees\s+(.*?)\.",
        stored,
    )
    proof = inclusion_proof_plan(int(stated[1]), int(stated[2]))
    ranges = [LeafRange(int(a), int(b)) for a, b in re.findall(r"\[(\d+),(\d+)\)", stated[3])]
    assert list(proof.ranges) == ranges
    assert list(proof.subtrees()) == _subtrees(stated[4])


def _vkeys() -> dict[str, tuple[str, bytes]]:
    """name → (hex key ID, type || public key) of §3.2's verifier keys."""
    block = [b for b in code_blocks(CHECKPOINT) if "etender.example.gov.cn" in b][1]
    keys = {}
    for line in block.split("\n"):
        name, key_id, key = line.split("+", 2)
        keys[name] = (key_id, base64.b64decode(key, validate=True))
    return keys


def test_audit_log_md_key_ids_follow_the_stated_formula() -> None:
    """§3.1: key ID = SHA-256(name || 0x0A || type || public key)[:4]; types 0x01, 0x04."""
    types = {"etender.example.gov.cn/log": 0x01, "supervision.example.gov.cn/witness": 0x04}
    for name, (key_id, typed_key) in _vkeys().items():
        assert typed_key[0] == types[name]
        assert len(typed_key) == 33
        assert hashlib.sha256(name.encode() + b"\n" + typed_key).digest()[:4].hex() == key_id


def test_audit_log_md_witness_line_decodes_as_stated() -> None:
    """§4: the witness line's key ID and time, and its signature over the §4 message."""
    note = next(b for b in code_blocks(CHECKPOINT) if "etender.example.gov.cn" in b)
    body = note.split("\n\n", 1)[0] + "\n"
    line = next(
        x for x in note.split("\n") if x.startswith("— supervision.example.gov.cn/witness ")
    )
    raw = base64.b64decode(line.rsplit(" ", 1)[1], validate=True)
    assert len(raw) == 4 + 8 + 64
    cosigning = section(DOC, "## 4. Witness cosignatures")
    key_id, seconds, when = found(
        r"decodes to key ID `([0-9a-f]{8})` and time\n`(\d+)` \(([0-9TZ:-]+)\)", cosigning
    ).groups()
    assert raw[:4].hex() == key_id == _vkeys()["supervision.example.gov.cn/witness"][0]
    assert int.from_bytes(raw[4:12], "big") == int(seconds)
    assert dt.datetime.fromtimestamp(int(seconds), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") == when
    message = f"cosignature/v1\ntime {seconds}\n{body}".encode()
    public = _vkeys()["supervision.example.gov.cn/witness"][1][1:]
    Ed25519PublicKey.from_public_bytes(public).verify(raw[12:], message)


def test_audit_log_md_foundation_kinds_and_signature_count_are_the_codes() -> None:
    listed = found(
        r"Kinds defined by the foundation \(`signing\.log\.entry\.EntryKind`\): (.*?)\. Other", DOC
    )
    assert re.findall(r"`([a-z_.]+)`", listed[1]) == [str(k) for k in EntryKind]
    low, high = found(r"there are (\d+) to (\d+) signature lines", DOC).groups()
    assert (int(low), int(high)) == (1, MAX_SIGNATURES)


def test_audit_log_md_append_rule_is_the_stores() -> None:
    """§2.1: appending leaf n−1 completes (0, n−1) and (ℓ, n/2^ℓ − 1) for 2^ℓ | n."""
    found(r"\*\*Appending\*\* leaf `n−1` \(growing to size `n`\) completes `\(0, n−1\)`", DOC)
    for n in range(1, 130):
        stated = {Subtree(0, n - 1)} | {
            Subtree(level, n // 2**level - 1)
            for level in range(1, n.bit_length())
            if n % 2**level == 0
        }
        assert set(completed_subtrees(n)) == stated, n


def test_audit_log_md_endpoint_bodies_are_the_api_structs() -> None:
    """§6: each documented body has the members of web/audit/routes.py's struct."""
    table = section(DOC, "## 6. HTTP endpoints")

    def row(request: str) -> list[str]:
        line = found(r"^\| `" + re.escape(request) + r"[^|]*\| (.*) \|$", table, re.M)[1]
        return re.findall(r'"(\w+)"', line)

    assert row("GET /proof/inclusion") == list(log_routes.InclusionProof.__struct_fields__)
    assert row("GET /proof/consistency") == list(log_routes.ConsistencyProof.__struct_fields__)
    entries = [*log_routes.LogEntries.__struct_fields__, *log_routes.LogEntryOut.__struct_fields__]
    assert row("GET /entries") == entries
    cosigning = row("POST /cosignatures")
    accepted = list(log_routes.CosignatureAccepted.__struct_fields__)
    assert cosigning == [*log_routes.CosignatureIn.__struct_fields__, *accepted]
