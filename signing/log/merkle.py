"""RFC 9162 Merkle tree hashing, proofs and their verification, as plans over stored subtrees.

The store keeps the hash of every *complete aligned subtree*: ``Subtree(level, position)``
covers the leaves ``[position * 2**level, (position + 1) * 2**level)``. Once complete such a
subtree never changes, so the rows are append-only. Every range that RFC 9162's MTH,
PATH and SUBPROOF recursions (sections 2.1.1, 2.1.3.1, 2.1.4.1) ever hash splits into a
few of them, which makes a root or a proof a *plan*: the caller fetches the named
hashes in one query and this module folds them. Nothing here does I/O.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from signing.log.errors import ProofRangeInvalid, SubtreeMissing

HASH_SIZE = 32

# RFC 9162 2.1.1: the hash of an empty list is the hash of an empty string.
EMPTY_ROOT = hashlib.sha256(b"").digest()


class Subtree(NamedTuple):
    """A complete aligned subtree: ``2**level`` leaves from leaf ``position * 2**level``."""

    level: int
    position: int

    @property
    def start(self) -> int:
        """First leaf covered."""
        return self.position << self.level

    @property
    def end(self) -> int:
        """One past the last leaf covered."""
        return (self.position + 1) << self.level


# Stored hashes keyed by Subtree or by plain (level, position) tuples from database rows.
Hashes = Mapping[Subtree, bytes] | Mapping[tuple[int, int], bytes]


class LeafRange(NamedTuple):
    """The leaves ``[start, end)``; a proof element is the MTH of one range."""

    start: int
    end: int


@dataclass(frozen=True, kw_only=True, slots=True)
class ProofPlan:
    """The ranges whose MTHs form a proof, in RFC 9162 order."""

    ranges: tuple[LeafRange, ...]

    def subtrees(self) -> tuple[Subtree, ...]:
        """Every stored subtree the proof needs, without repeats: fetch these in one query."""
        return unique_subtrees(range_plan(r.start, r.end) for r in self.ranges)


def leaf_hash(entry: bytes) -> bytes:
    """RFC 9162 2.1.1: ``SHA-256(0x00 || entry)``."""
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 9162 2.1.1: ``SHA-256(0x01 || left || right)``."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (n > 1), RFC 9162 2.1.1's k."""
    return 1 << ((n - 1).bit_length() - 1)


def _require_size(size: int, *, minimum: int) -> None:
    if size < minimum:
        raise ProofRangeInvalid(f"tree size {size} is below {minimum}")


def completed_subtrees(new_size: int) -> tuple[Subtree, ...]:
    """The subtrees completed when the tree grows to ``new_size``, leaf first."""
    _require_size(new_size, minimum=1)
    done = [Subtree(0, new_size - 1)]
    level = 1
    while new_size % (1 << level) == 0:
        done.append(Subtree(level, (new_size >> level) - 1))
        level += 1
    return tuple(done)


def append_needs(old_size: int, count: int = 1) -> tuple[Subtree, ...]:
    """Stored subtrees to fetch before appending ``count`` leaves to a tree of ``old_size``."""
    _require_size(old_size, minimum=0)
    _require_size(count, minimum=1)
    made: set[Subtree] = set()
    needs: list[Subtree] = []
    for new_size in range(old_size + 1, old_size + count + 1):
        for node in completed_subtrees(new_size)[1:]:
            # A completed node's right child was made by this append; its left
            # child is older: stored, or made earlier in this batch.
            left = Subtree(node.level - 1, 2 * node.position)
            if left not in made and left not in needs:
                needs.append(left)
        made.update(completed_subtrees(new_size))
    return tuple(needs)


def hashes_for_append(
    old_size: int, leaf_hashes: Sequence[bytes], stored: Hashes
) -> dict[Subtree, bytes]:
    """The subtree hashes to insert after appending ``leaf_hashes``.

    ``stored`` holds at least the hashes that ``append_needs`` names.
    """
    _require_size(old_size, minimum=0)
    _require_size(len(leaf_hashes), minimum=1)
    made: dict[Subtree, bytes] = {}
    for offset, leaf in enumerate(leaf_hashes):
        new_size = old_size + offset + 1
        chain = completed_subtrees(new_size)
        current = made[chain[0]] = leaf
        for node in chain[1:]:
            left = Subtree(node.level - 1, 2 * node.position)
            sibling = made[left] if left in made else _lookup(stored, left)
            current = made[node] = node_hash(sibling, current)
    return made


def _lookup(hashes: Hashes, node: Subtree) -> bytes:
    try:
        return hashes[node]
    except KeyError:
        raise SubtreeMissing(f"subtree {node.level}/{node.position} was not given") from None


def range_plan(start: int, end: int) -> tuple[Subtree, ...]:
    """The complete aligned subtrees, left to right, whose fold is MTH(D[start:end]).

    Defined for the ranges RFC 9162's recursions produce: ``start`` a multiple of the
    largest power of two not above ``end - start``. Others would need O(n) hashing.
    """
    if not 0 <= start < end:
        raise ProofRangeInvalid(f"leaf range [{start}, {end}) is empty or negative")
    width = 1 << ((end - start).bit_length() - 1)
    if start % width:
        raise ProofRangeInvalid(f"leaf range [{start}, {end}) does not start on a split point")
    plan: list[Subtree] = []
    while start < end:
        # The binary decomposition of the width, largest first, is exactly the
        # RFC 9162 2.1.1 split at k = largest power of two below n, recursively.
        level = (end - start).bit_length() - 1
        plan.append(Subtree(level, start >> level))
        start += 1 << level
    return tuple(plan)


def root_plan(size: int) -> tuple[Subtree, ...]:
    """The subtrees whose fold is the root of the tree of ``size`` leaves (none if empty)."""
    _require_size(size, minimum=0)
    return range_plan(0, size) if size else ()


def root_from(plan: Sequence[tuple[int, int]], hashes: Hashes) -> bytes:
    """Fold a range or root plan's hashes right to left into one MTH (RFC 9162 2.1.1)."""
    if not plan:
        return EMPTY_ROOT
    nodes = [Subtree(*node) for node in plan]
    current = _lookup(hashes, nodes[-1])
    for node in reversed(nodes[:-1]):
        current = node_hash(_lookup(hashes, node), current)
    return current


def unique_subtrees(plans: Iterable[Iterable[tuple[int, int]]]) -> tuple[Subtree, ...]:
    """Every subtree named by ``plans``, first occurrence order, without repeats."""
    return tuple(dict.fromkeys(Subtree(*node) for plan in plans for node in plan))


def inclusion_proof_plan(index: int, size: int) -> ProofPlan:
    """The ranges of PATH(index, D[0:size]) (RFC 9162 2.1.3.1), in proof order."""
    if not 0 <= index < size:
        raise ProofRangeInvalid(f"leaf index {index} is not in a tree of size {size}")
    outer_first: list[LeafRange] = []
    start, end, m = 0, size, index
    while end - start > 1:
        k = _split(end - start)
        if m < k:  # PATH(m, D[0:k]) : MTH(D[k:n])
            outer_first.append(LeafRange(start + k, end))
            end = start + k
        else:  # PATH(m - k, D[k:n]) : MTH(D[0:k])
            outer_first.append(LeafRange(start, start + k))
            start, m = start + k, m - k
    return ProofPlan(ranges=tuple(reversed(outer_first)))


def consistency_proof_plan(first: int, second: int) -> ProofPlan:
    """The ranges of PROOF(first, D[0:second]) (RFC 9162 2.1.4.1), in proof order.

    ``first == second`` and ``first == 0`` have nothing to prove: the plan is empty.
    """
    if not 0 <= first <= second:
        raise ProofRangeInvalid(f"no consistency proof from size {first} to size {second}")
    if first in (0, second):
        return ProofPlan(ranges=())
    outer_first: list[LeafRange] = []
    start, end, m, whole = 0, second, first, True
    while end - start != m:
        k = _split(end - start)
        if m <= k:  # SUBPROOF(m, D[0:k], b) : MTH(D[k:n])
            outer_first.append(LeafRange(start + k, end))
            end = start + k
        else:  # SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])
            outer_first.append(LeafRange(start, start + k))
            start, m, whole = start + k, m - k, False
    if not whole:  # SUBPROOF(m, D[m], false) = {MTH(D[m])}
        outer_first.append(LeafRange(start, end))
    return ProofPlan(ranges=tuple(reversed(outer_first)))


def assemble_proof(plan: ProofPlan, hashes: Hashes) -> list[bytes]:
    """The proof itself: each range's MTH folded from ``hashes`` (keys: ``plan.subtrees()``)."""
    return [root_from(range_plan(r.start, r.end), hashes) for r in plan.ranges]


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 2.1.3.2: does ``proof`` show leaf hash ``leaf`` at ``index`` under ``root``?"""
    if not 0 <= index < size:  # step 1
        raise ProofRangeInvalid(f"leaf index {index} is not in a tree of size {size}")
    if any(len(p) != HASH_SIZE for p in proof):
        return False
    fn, sn, r = index, size - 1, leaf  # steps 2-3
    for p in proof:  # step 4
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root  # step 5


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 2.1.4.2: does ``proof`` show the tree at ``first`` is a prefix of ``second``?"""
    if not 0 <= first <= second:
        raise ProofRangeInvalid(f"no consistency proof from size {first} to size {second}")
    if first == 0:  # the empty tree is a prefix of every tree
        return not proof and first_root == EMPTY_ROOT
    if first == second:
        return not proof and first_root == second_root
    if not proof or any(len(c) != HASH_SIZE for c in proof):  # step 1
        return False
    path = list(proof)
    if first & (first - 1) == 0:  # step 2
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1  # step 3
    while fn & 1:  # step 4
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]  # step 5
    for c in path[1:]:  # step 6
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == first_root and sr == second_root and sn == 0  # step 7


class MemoryTree:
    """An in-memory log built only from the plan functions above (tests, ``audit verify``)."""

    def __init__(self) -> None:
        self._hashes: dict[Subtree, bytes] = {}
        self._size = 0

    @property
    def size(self) -> int:
        """Number of leaves appended."""
        return self._size

    def append(self, entry: bytes) -> int:
        """Append the leaf for ``entry``; return its index."""
        return self.append_leaf_hash(leaf_hash(entry))

    def append_leaf_hash(self, leaf: bytes) -> int:
        """Append an already hashed leaf; return its index."""
        needs = append_needs(self._size)
        stored = {node: self._hashes[node] for node in needs}
        self._hashes.update(hashes_for_append(self._size, [leaf], stored))
        self._size += 1
        return self._size - 1

    def root(self, size: int | None = None) -> bytes:
        """MTH of the first ``size`` leaves (default: all)."""
        return root_from(root_plan(self._size_or_all(size)), self._hashes)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """PATH(index, D[0:size])."""
        plan = inclusion_proof_plan(index, self._size_or_all(size))
        return assemble_proof(plan, self._hashes)

    def consistency_proof(self, first: int, second: int | None = None) -> list[bytes]:
        """PROOF(first, D[0:second])."""
        plan = consistency_proof_plan(first, self._size_or_all(second))
        return assemble_proof(plan, self._hashes)

    def _size_or_all(self, size: int | None) -> int:
        if size is None:
            return self._size
        if size > self._size:
            raise ProofRangeInvalid(f"tree size {size} exceeds the {self._size} leaves appended")
        return size
