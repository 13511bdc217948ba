"""The specialty classification: bundled data, lookups and "is under"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from expert_pool.errors import CatalogueInvalid, SpecialtyUnknown
from expert_pool.specialties import default_specialties, load_specialties, parse_specialties

DATA = Path(__file__).resolve().parents[2] / "expert_pool" / "specialties.json"


def test_bundled_tree_has_works_goods_and_services_roots() -> None:
    """A works, B goods, C services, with Chinese and English names."""
    roots = default_specialties().roots()
    assert [(r.code, r.name_zh) for r in roots] == [("A", "工程"), ("B", "货物"), ("C", "服务")]
    assert all(r.name_en for r in roots)


def test_every_root_has_two_digit_children() -> None:
    """Each top level has children coded parent + two digits."""
    tree = default_specialties()
    for root in tree.roots():
        children = tree.children(root.code)
        assert len(children) >= 5
        assert all(c.code[:1] == root.code and len(c.code) == 3 for c in children)


def test_is_under_follows_the_tree() -> None:
    """A08 is under A and under itself; A is not under A08; B01 is not under A."""
    tree = default_specialties()
    assert tree.is_under("A08", "A")
    assert tree.is_under("A08", "A08")
    assert not tree.is_under("A", "A08")
    assert not tree.is_under("B01", "A")
    assert tree.ancestors("C02") == ("C",)


@pytest.mark.parametrize("code", ["Z", "A99", "a08", "", "A08 "])
def test_unknown_specialty_code_is_refused(code: str) -> None:
    """A code not in the classification raises specialty_unknown."""
    with pytest.raises(SpecialtyUnknown) as caught:
        default_specialties().validate(code)
    assert caught.value.code == "specialty_unknown"


def test_is_under_refuses_unknown_codes() -> None:
    """Asking about an unknown code is an error, not False."""
    with pytest.raises(SpecialtyUnknown):
        default_specialties().is_under("A99", "A")


def test_a_province_table_can_be_loaded_from_a_file(tmp_path: Path) -> None:
    """load_specialties reads another file of the same format."""
    doc = {
        "format": "etender-specialties-v1",
        "source": "test",
        "specialties": [
            {"code": "A", "name_zh": "工程", "name_en": "Works", "parent": None},
            {"code": "A01", "name_zh": "规划", "name_en": "Planning", "parent": "A"},
            {"code": "A0101", "name_zh": "城乡规划", "name_en": "Urban planning", "parent": "A01"},
        ],
    }
    path = tmp_path / "s.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    tree = load_specialties(path)
    assert tree.is_under("A0101", "A")
    assert tree.ancestors("A0101") == ("A", "A01")


def _doc_with(nodes: list[dict[str, object]]) -> str:
    return json.dumps({"format": "etender-specialties-v1", "source": "", "specialties": nodes})


@pytest.mark.parametrize(
    "nodes",
    [
        [],
        [{"code": "AB", "name_zh": "x", "name_en": "x", "parent": None}],
        [{"code": "A01", "name_zh": "x", "name_en": "x", "parent": "A"}],
        [
            {"code": "A", "name_zh": "x", "name_en": "x", "parent": None},
            {"code": "B01", "name_zh": "x", "name_en": "x", "parent": "A"},
        ],
        [
            {"code": "A", "name_zh": "x", "name_en": "x", "parent": None},
            {"code": "A", "name_zh": "y", "name_en": "y", "parent": None},
        ],
        [{"code": "A", "name_zh": "", "name_en": "x", "parent": None}],
        [{"code": "A", "name_zh": "x", "parent": None}],
    ],
)
def test_inconsistent_tables_are_refused(nodes: list[dict[str, object]]) -> None:
    """Bad codes, missing or late parents, repeats and empty names are refused."""
    with pytest.raises(CatalogueInvalid):
        parse_specialties(_doc_with(nodes))


def test_bundled_file_parses_as_written() -> None:
    """The shipped data file is the one the default tree comes from."""
    assert parse_specialties(DATA.read_bytes()) == default_specialties()
