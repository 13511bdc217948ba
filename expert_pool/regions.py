"""Regions of the pool and the region rules of draw categories (DESIGN.md, "1+6").

The platform serves one city centre and its six county sub-centres ("1+6"); the
province's comprehensive pool also holds experts of the other cities, drawn for remote
cross-city evaluation (远程异地评标). Codes are GB/T 2260 administrative division codes.
An expert of the home city is registered at its district or county; an expert of
another city at that city's code.

Region rules, the right-hand side of a category label ``<specialty code>@<region rule>``:

- ``local``  — the home city: its districts and counties, or the city code itself;
- ``remote`` — any other city of the catalogue;
- ``cities:<code,code>`` — the listed cities only (home city allowed), in canonical
  form: city codes ascending, no repeats, no blanks (labels are compared as text).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from expert_pool.errors import CategoryLabelInvalid, RegionRuleInvalid, RegionUnknown
from expert_pool.model import RegionRule, RegionRuleKind
from expert_pool.specialties import SpecialtyTree, default_specialties

_CITIES_RULE = re.compile(r"cities:([0-9]{6}(?:,[0-9]{6})*)")


class RegionKind(enum.StrEnum):
    """Level of a region in the catalogue."""

    CITY = "city"
    DISTRICT = "district"  # 市辖区
    COUNTY = "county"  # 县, or county-level city (县级市)


@dataclass(frozen=True, kw_only=True, slots=True)
class Region:
    """One region an expert can be registered at."""

    code: str
    name_zh: str
    name_en: str
    kind: RegionKind
    city: str  # code of the prefecture-level city it belongs to


@dataclass(frozen=True, kw_only=True, slots=True)
class RegionCatalogue:
    """The home city with its units, and the other cities of the shared pool."""

    home_city: str
    regions: Mapping[str, Region]

    def get(self, code: str) -> Region:
        """The region for `code`; raise RegionUnknown if there is none."""
        region = self.regions.get(code)
        if region is None:
            raise RegionUnknown(f"unknown region code {code!r}")
        return region

    def validate(self, code: str) -> str:
        """Return `code` if it is in the catalogue, else raise RegionUnknown."""
        return self.get(code).code

    def city_of(self, code: str) -> str:
        """The city code a region belongs to."""
        return self.get(code).city

    def is_local(self, code: str) -> bool:
        """Whether a region is in the home city (the "1+6")."""
        return self.city_of(code) == self.home_city

    def cities(self) -> tuple[str, ...]:
        """Every city code, ascending."""
        return tuple(sorted(r.code for r in self.regions.values() if r.kind is RegionKind.CITY))

    def local_units(self) -> tuple[Region, ...]:
        """The home city's districts and counties."""
        return tuple(
            r
            for r in self.regions.values()
            if r.city == self.home_city and r.kind is not RegionKind.CITY
        )

    def matches(self, rule: RegionRule, code: str) -> bool:
        """Whether an expert registered at `code` satisfies `rule`."""
        city = self.city_of(code)
        if rule.kind is RegionRuleKind.LOCAL:
            return city == self.home_city
        if rule.kind is RegionRuleKind.REMOTE:
            return city != self.home_city
        return city in rule.cities


def _catalogue() -> RegionCatalogue:
    city, dist, county = RegionKind.CITY, RegionKind.DISTRICT, RegionKind.COUNTY
    home = "341800"
    rows: list[tuple[str, str, str, RegionKind, str]] = [
        # The home city, 宣城市 (Anhui): one district and six county-level units.
        (home, "宣城市", "Xuancheng", city, home),
        ("341802", "宣州区", "Xuanzhou District", dist, home),
        ("341821", "郎溪县", "Langxi County", county, home),
        ("341823", "泾县", "Jing County", county, home),
        ("341824", "绩溪县", "Jixi County", county, home),
        ("341825", "旌德县", "Jingde County", county, home),
        ("341881", "宁国市", "Ningguo", county, home),
        ("341882", "广德市", "Guangde", county, home),
    ]
    others = [
        ("340100", "合肥市", "Hefei"),
        ("340200", "芜湖市", "Wuhu"),
        ("340300", "蚌埠市", "Bengbu"),
        ("340400", "淮南市", "Huainan"),
        ("340500", "马鞍山市", "Ma'anshan"),
        ("340600", "淮北市", "Huaibei"),
        ("340700", "铜陵市", "Tongling"),
        ("340800", "安庆市", "Anqing"),
        ("341000", "黄山市", "Huangshan"),
        ("341100", "滁州市", "Chuzhou"),
        ("341200", "阜阳市", "Fuyang"),
        ("341300", "宿州市", "Suzhou (Anhui)"),
        ("341500", "六安市", "Lu'an"),
        ("341600", "亳州市", "Bozhou"),
        ("341700", "池州市", "Chizhou"),
    ]
    rows += [(code, zh, en, city, code) for code, zh, en in others]
    regions = {
        code: Region(code=code, name_zh=zh, name_en=en, kind=kind, city=parent)
        for code, zh, en, kind, parent in rows
    }
    return RegionCatalogue(home_city=home, regions=MappingProxyType(regions))


DEFAULT_REGIONS = _catalogue()


def parse_region_rule(text: str, regions: RegionCatalogue = DEFAULT_REGIONS) -> RegionRule:
    """Parse a region rule in canonical form; raise RegionRuleInvalid otherwise."""
    if text in (RegionRuleKind.LOCAL, RegionRuleKind.REMOTE):
        return RegionRule(kind=RegionRuleKind(text))
    match = _CITIES_RULE.fullmatch(text)
    if match is None:
        raise RegionRuleInvalid(f"region rule {text!r} is not local, remote or cities:<codes>")
    codes = tuple(match.group(1).split(","))
    if list(codes) != sorted(set(codes)):
        raise RegionRuleInvalid(f"region rule {text!r}: list cities ascending, once each")
    known = set(regions.cities())
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise RegionRuleInvalid(f"region rule {text!r}: not a city code: {', '.join(unknown)}")
    return RegionRule(kind=RegionRuleKind.CITIES, cities=codes)


@dataclass(frozen=True, kw_only=True, slots=True)
class CategoryLabel:
    """A parsed draw category label ``<specialty code>@<region rule>``."""

    specialty: str
    rule: RegionRule

    def __str__(self) -> str:
        return f"{self.specialty}@{self.rule}"


def parse_category_label(
    label: str,
    *,
    specialties: SpecialtyTree | None = None,
    regions: RegionCatalogue = DEFAULT_REGIONS,
) -> CategoryLabel:
    """Parse and check a category label against the specialty and region catalogues."""
    tree = specialties if specialties is not None else default_specialties()
    specialty, sep, rule_text = label.partition("@")
    if not sep or not specialty:
        raise CategoryLabelInvalid(f"label {label!r} is not <specialty code>@<region rule>")
    tree.validate(specialty)
    try:
        rule = parse_region_rule(rule_text, regions)
    except RegionRuleInvalid as exc:
        raise CategoryLabelInvalid(f"label {label!r}: {exc.message}") from None
    return CategoryLabel(specialty=specialty, rule=rule)
