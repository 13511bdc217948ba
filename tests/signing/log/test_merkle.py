"""RFC 9162 Merkle trees: the plan-based code against a straight reading of the RFC."""

from __future__ import annotations

import hashlib
import math

import pytest

from signing.log.errors import ProofRangeInvalid, SubtreeMissing
from signing.log.merkle import (
    EMPTY_ROOT,
    MemoryTree,
    append_needs,
    completed_subtrees,
    consistency_proof_plan,
    hashes_for_append,
    inclusion_proof_plan,
    leaf_hash,
    range_plan,
    root_from,
    root_plan,
    verify_consistency,
    verify_inclusion,
)

# --- an independent reference: RFC 9162 sections 2.1.1, 2.1.3.1 and 2.1.4.1 verbatim ---


def _h(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _k(n: int) -> int:
    """The largest power of two smaller than n."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(d: list[bytes]) -> bytes:
    """MTH(D_n)."""
    n = len(d)
    if n == 0:
        return _h(b"")
    if n == 1:
        return _h(b"\x00" + d[0])
    k = _k(n)
    return _h(b"\x01" + ref_mth(d[:k]) + ref_mth(d[k:]))


def ref_path(m: int, d: list[bytes]) -> list[bytes]:
    """PATH(m, D_n)."""
    n = len(d)
    if n == 1:
        return []
    k = _k(n)
    if m < k:
        return [*ref_path(m, d[:k]), ref_mth(d[k:])]
    return [*ref_path(m - k, d[k:]), ref_mth(d[:k])]


def ref_subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    """SUBPROOF(m, D_n, b)."""
    n = len(d)
    if m == n:
        return [] if b else [ref_mth(d)]
    k = _k(n)
    if m <= k:
        return [*ref_subproof(m, d[:k], b), ref_mth(d[k:])]
    return [*ref_subproof(m - k, d[k:], False), ref_mth(d[:k])]


def ref_proof(m: int, d: list[bytes]) -> list[bytes]:
    """PROOF(m, D_n)."""
    return ref_subproof(m, d, True)


# --- fixtures -----------------------------------------------------------------------------

ENTRIES = [f"entry {i}".encode() for i in range(64)]


@pytest.fixture(scope="module")
def tree() -> MemoryTree:
    t = MemoryTree()
    for entry in ENTRIES:
        t.append(entry)
    return t


def _flip(value: bytes) -> bytes:
    return bytes([value[0] ^ 1]) + value[1:]


# --- known answers ------------------------------------------------------------------------

# The Certificate Transparency reference inputs and the roots of their first 1..8
# (transparency-dev/merkle testonly; the same in every RFC 6962 implementation).
CT_INPUTS = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def test_roots_match_the_certificate_transparency_vectors() -> None:
    """The published roots of the CT reference inputs come out of MemoryTree."""
    t = MemoryTree()
    assert t.root().hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    for size, (data, root) in enumerate(zip(CT_INPUTS, CT_ROOTS, strict=True), start=1):
        t.append(bytes.fromhex(data))
        assert t.root().hex() == root, size


def test_leaf_and_node_hashes_use_the_rfc_prefixes() -> None:
    """A leaf hashes 0x00 || entry; two leaves combine as 0x01 || left || right."""
    assert leaf_hash(b"x") == _h(b"\x00x")
    assert MemoryTree().root() == EMPTY_ROOT == _h(b"")


# --- against the reference, exhaustively for sizes 1..64 -----------------------------------


def test_every_root_equals_the_reference(tree: MemoryTree) -> None:
    """MTH of every prefix 0..64 equals the recursive reference."""
    for size in range(65):
        assert tree.root(size) == ref_mth(ENTRIES[:size]), size


def test_every_inclusion_proof_equals_the_reference_and_verifies(tree: MemoryTree) -> None:
    """For sizes 1..64 and every index, PATH equals the reference and verifies."""
    for size in range(1, 65):
        root = ref_mth(ENTRIES[:size])
        for index in range(size):
            proof = tree.inclusion_proof(index, size)
            assert proof == ref_path(index, ENTRIES[:size]), (index, size)
            assert verify_inclusion(leaf_hash(ENTRIES[index]), index, size, proof, root)


def test_every_consistency_proof_equals_the_reference_and_verifies(tree: MemoryTree) -> None:
    """For every 1 <= m <= n <= 64, PROOF equals the reference and verifies."""
    for second in range(1, 65):
        second_root = ref_mth(ENTRIES[:second])
        for first in range(1, second + 1):
            proof = tree.consistency_proof(first, second)
            assert proof == ref_proof(first, ENTRIES[:second]), (first, second)
            first_root = ref_mth(ENTRIES[:first])
            assert verify_consistency(first, second, first_root, second_root, proof)


def test_tampered_inclusion_proofs_fail(tree: MemoryTree) -> None:
    """Changed, shortened or lengthened paths, another leaf or index, all fail."""
    for size in range(1, 65):
        root = tree.root(size)
        for index in range(size):
            leaf = leaf_hash(ENTRIES[index])
            proof = tree.inclusion_proof(index, size)
            for i in range(len(proof)):
                bad = [*proof[:i], _flip(proof[i]), *proof[i + 1 :]]
                assert not verify_inclusion(leaf, index, size, bad, root)
            assert not verify_inclusion(leaf, index, size, [*proof, root], root)
            assert not verify_inclusion(_flip(leaf), index, size, proof, root)
            assert not verify_inclusion(leaf, index, size, proof, _flip(root))
            if proof:
                assert not verify_inclusion(leaf, index, size, proof[:-1], root)
            if size > 1:
                other = (index + 1) % size
                assert not verify_inclusion(leaf, other, size, proof, root)


def test_tampered_consistency_proofs_fail(tree: MemoryTree) -> None:
    """Changed, shortened or lengthened proofs, or wrong roots, all fail."""
    for second in range(2, 65):
        second_root = tree.root(second)
        for first in range(1, second):
            first_root = tree.root(first)
            proof = tree.consistency_proof(first, second)
            for i in range(len(proof)):
                bad = [*proof[:i], _flip(proof[i]), *proof[i + 1 :]]
                assert not verify_consistency(first, second, first_root, second_root, bad)
            assert not verify_consistency(first, second, first_root, second_root, proof[:-1])
            longer = [*proof, second_root]
            assert not verify_consistency(first, second, first_root, second_root, longer)
            assert not verify_consistency(first, second, _flip(first_root), second_root, proof)
            assert not verify_consistency(first, second, first_root, _flip(second_root), proof)


def test_equal_sizes_need_equal_roots_and_an_empty_proof(tree: MemoryTree) -> None:
    """A tree is consistent with itself only, and with no proof elements."""
    root = tree.root(5)
    assert verify_consistency(5, 5, root, root, [])
    assert not verify_consistency(5, 5, root, _flip(root), [])
    assert not verify_consistency(5, 5, root, root, [root])


def test_the_empty_tree_is_a_prefix_of_every_tree(tree: MemoryTree) -> None:
    """From size 0 the proof is empty and only the empty root verifies."""
    assert consistency_proof_plan(0, 9).ranges == ()
    assert verify_consistency(0, 9, EMPTY_ROOT, tree.root(9), [])
    assert not verify_consistency(0, 9, tree.root(1), tree.root(9), [])
    assert not verify_consistency(0, 9, EMPTY_ROOT, tree.root(9), [tree.root(1)])


# --- the storage plans ---------------------------------------------------------------------


def test_completed_subtrees_are_the_aligned_ones_ending_at_the_new_size() -> None:
    """Growing to n completes every aligned 2**l-leaf block ending at n, leaf first."""
    for new_size in range(1, 130):
        expected = [
            (level, new_size // 2**level - 1)
            for level in range(new_size.bit_length())
            if new_size % 2**level == 0
        ]
        assert list(completed_subtrees(new_size)) == expected


def test_appends_need_only_the_old_trees_frontier() -> None:
    """Every stored hash an append batch needs is in the root plan of the old size."""
    for old_size in range(65):
        for count in range(1, 9):
            assert set(append_needs(old_size, count)) <= set(root_plan(old_size))


def test_a_batch_append_stores_every_new_complete_subtree(tree: MemoryTree) -> None:
    """Appending leaves 7..19 at once yields exactly the reference subtrees of 20 leaves."""
    stored = _reference_subtrees(7)
    needs = append_needs(7, 13)
    leaves = [leaf_hash(e) for e in ENTRIES[7:20]]
    fetched: dict[tuple[int, int], bytes] = {node: stored[node] for node in needs}
    merged: dict[tuple[int, int], bytes] = dict(stored)
    for node, value in hashes_for_append(7, leaves, fetched).items():
        merged[node] = value
    assert merged == _reference_subtrees(20)
    assert root_from(root_plan(20), merged) == tree.root(20)


def _reference_subtrees(size: int) -> dict[tuple[int, int], bytes]:
    """Every complete aligned subtree of the first ``size`` entries, by the reference MTH."""
    nodes: dict[tuple[int, int], bytes] = {}
    for level in range(size.bit_length()):
        for position in range(size >> level):
            start = position << level
            assert range_plan(start, start + (1 << level)) == ((level, position),)
            nodes[(level, position)] = ref_mth(ENTRIES[start : start + (1 << level)])
    return nodes


@pytest.mark.parametrize("size", [2, 3, 5, 64, 1000, 2**20 + 1, 2**40 - 3, 2**62 + 12345])
def test_a_proof_needs_at_most_two_log_n_stored_hashes(size: int) -> None:
    """Inclusion and consistency plans name at most 2*ceil(log2 n) subtrees."""
    bound = 2 * math.ceil(math.log2(size))
    for point in {0, 1, size // 3, size // 2, size - 2, size - 1}:
        assert len(inclusion_proof_plan(point, size).subtrees()) <= bound
        if point:
            assert len(consistency_proof_plan(point, size).subtrees()) <= bound
    assert len(root_plan(size)) == size.bit_count()


def test_a_range_that_is_not_a_split_point_is_refused() -> None:
    """[1, 3) is never an MTH input in RFC 9162's recursion and needs leaf hashing."""
    with pytest.raises(ProofRangeInvalid):
        range_plan(1, 3)
    with pytest.raises(ProofRangeInvalid):
        range_plan(4, 4)


def test_out_of_range_indexes_and_sizes_are_refused() -> None:
    """index >= size, first > second and negative sizes raise log_proof_range_invalid."""
    with pytest.raises(ProofRangeInvalid) as caught:
        inclusion_proof_plan(5, 5)
    assert caught.value.code == "log_proof_range_invalid"
    with pytest.raises(ProofRangeInvalid):
        verify_inclusion(EMPTY_ROOT, 0, 0, [], EMPTY_ROOT)
    with pytest.raises(ProofRangeInvalid):
        consistency_proof_plan(6, 5)
    with pytest.raises(ProofRangeInvalid):
        verify_consistency(6, 5, EMPTY_ROOT, EMPTY_ROOT, [])
    with pytest.raises(ProofRangeInvalid):
        root_plan(-1)
    with pytest.raises(ProofRangeInvalid):
        completed_subtrees(0)


def test_a_size_beyond_the_memory_tree_is_refused(tree: MemoryTree) -> None:
    """MemoryTree cannot prove what it has not appended."""
    with pytest.raises(ProofRangeInvalid):
        tree.root(65)


def test_a_missing_stored_hash_is_reported() -> None:
    """Folding a plan without one of its hashes raises log_subtree_missing."""
    with pytest.raises(SubtreeMissing) as caught:
        root_from(root_plan(5), {(2, 0): EMPTY_ROOT})
    assert caught.value.code == "log_subtree_missing"
