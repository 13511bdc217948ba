"""A labelled synthetic history for the monitoring rules (scripts/synthetic_history.py).

Deterministic from its seed. Honest tenders carry the benign look-alikes the issue names
— bidders sharing an office building's network address, documents from the agency's
template, prices bunched honestly under a low ceiling — plus a small expert speciality
whose members meet by construction and one dominant agency. Seeded cases: collusion
rings (one machine, one network, one sealed file, one bond account, one document author,
one project manager, prices in a progression or a narrow band), related bidders and
agency conflicts (Reg. 34, Law 50), deviant experts, arranged expert pairs, experts tied
to one agency or tenderer. Each label is a case key (see :func:`case_key`). Pure.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from supervision.monitoring import model as m

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文斌辉鹏飞宇浩然子涵欣怡梓轩雨萱"
)
SOFTWARE = ("WPS Office", "WPS Office", "Microsoft Word 2019", "Microsoft Word 2016", "LibreOffice")
POOLS = {"works": 60, "goods": 50, "services": 40, "special": 7}
RING_INDICATORS = ("machine", "network", "parts", "bonds", "metadata", "people")


def key(*parts: str) -> tuple[str, ...]:
    return tuple(parts)


def case_key(finding: m.Finding) -> tuple[str, ...]:
    """What a finding is about, as the labels name cases."""
    ev: Any = finding.evidence
    if finding.rule in ("expert_deviations",):
        return key(finding.rule, ev["expert"])
    if finding.rule == "agency_exceptions":
        return key(finding.rule, ev["agency"])
    if finding.rule == "expert_pairs":
        return key(finding.rule, *ev["experts"])
    if finding.rule in ("expert_agency", "expert_tenderer"):
        party = ev.get("agency") or ev.get("tenderer")
        return key(finding.rule, ev["expert"], party)
    if "lot" in ev:
        return key(finding.rule, finding.tender, ev["lot"])
    return key(finding.rule, finding.tender)


@dataclass
class History:
    """The facts of the whole history and the labelled cases, by rule name."""

    facts: m.Facts
    labels: dict[str, set[tuple[str, ...]]] = field(default_factory=dict)


@dataclass
class _Acc:
    rng: random.Random
    rows: dict[str, list[Any]] = field(default_factory=dict)
    labels: dict[str, set[tuple[str, ...]]] = field(default_factory=dict)

    def add(self, name: str, row: Any) -> None:
        self.rows.setdefault(name, []).append(row)

    def label(self, rule: str, *parts: str) -> None:
        self.labels.setdefault(rule, set()).add(key(rule, *parts))


def _name(rng: random.Random) -> str:
    # Surnames by a steep rank weight (王, 李, 张 are common), given names of one or two
    # characters: different people share a name about as often as they do in life.
    surname = rng.choices(SURNAMES, weights=[1 / (i + 1) for i in range(len(SURNAMES))])[0]
    return surname + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class _World:
    agencies: list[str]
    tenderers: list[str]
    bidders: list[str]
    address: dict[str, str]
    managers: dict[str, list[str]]
    authors: dict[str, str]
    experts: dict[str, list[str]]
    deviants: set[str]
    pairs: dict[str, str]
    ties: dict[str, tuple[str, str]]  # expert → (agency|tenderer, party)
    lax: set[str]  # agencies that keep needing approved exceptions


def _world(acc: _Acc) -> _World:
    rng = acc.rng
    agencies = [f"A{i}" for i in range(10)]
    tenderers = [f"P{i:02d}" for i in range(40)]
    bidders = [f"B{i:03d}" for i in range(300)]
    address = {b: f"198.51.{i // 250}.{i % 250}" for i, b in enumerate(bidders)}
    shuffled = rng.sample(bidders, len(bidders))
    for building in range(40):  # office buildings: 4 bidders behind one NAT address
        for b in shuffled[building * 4 : building * 4 + 4]:
            address[b] = f"203.0.113.{building}"
    managers = {b: [_name(rng) for _ in range(3)] for b in bidders}
    authors = {b: _name(rng) for b in bidders}
    for i, b in enumerate(bidders):  # every party has its own legal representative
        acc.add("party_people", m.PartyPerson(b, "legal_representative", _hash(f"rep{i}")))
    for a in agencies:
        acc.add("party_people", m.PartyPerson(a, "legal_representative", _hash(f"rep{a}")))
        for j in range(3):
            acc.add("party_people", m.PartyPerson(a, "staff", _hash(f"staff{a}{j}")))
    for _ in range(25):  # groups under one control: related whenever two bid one lot
        a, b = rng.sample(bidders, 2)
        kind = rng.choice(("controlling", "managed_by", "shared_legal_representative"))
        acc.add("party_relations", m.PartyRelation(a, b, kind))
    for _ in range(30):  # benign: a supplier relation is no Reg. 34 relation
        a, b = rng.sample(bidders, 2)
        acc.add("party_relations", m.PartyRelation(a, b, "supplier"))
    experts = {p: [f"E{p[:2]}{i:02d}" for i in range(n)] for p, n in POOLS.items()}
    deviants = {e for p in ("works", "goods", "services") for e in rng.sample(experts[p], 3)}
    pairs: dict[str, str] = {}
    for p in ("works", "goods", "services"):
        chosen = rng.sample([e for e in experts[p] if e not in deviants], 6)
        for a, b in zip(chosen[::2], chosen[1::2], strict=True):
            pairs[a] = b
    ties: dict[str, tuple[str, str]] = {}
    free = [e for p in ("works", "goods", "services") for e in experts[p]
            if e not in deviants and e not in pairs and e not in pairs.values()]  # fmt: skip
    for n, e in enumerate(rng.sample(free, 12)):
        ties[e] = ("agency", rng.choice(agencies[1:])) if n < 6 else (
            "tenderer", rng.choice(tenderers))  # fmt: skip
    lax = set(rng.sample(agencies[1:], 3))
    return _World(agencies, tenderers, bidders, address, managers, authors, experts,
                  deviants, pairs, ties, lax)  # fmt: skip


def generate(seed: int, tenders: int = 400) -> History:
    """The history of ``tenders`` single-lot tenders, deterministic from ``seed``."""
    acc = _Acc(random.Random(seed))  # noqa: S311 (a reproducible simulation, not a secret)
    world = _world(acc)
    for i in range(tenders):
        _tender(acc, world, f"T{i:04d}", START + timedelta(days=i * 0.9))
    _label_patterns(acc, world)
    facts = m.Facts(**{name: tuple(rows) for name, rows in acc.rows.items()})
    return History(facts, acc.labels)


def _tender(acc: _Acc, w: _World, tender: str, deadline: datetime) -> None:
    rng = acc.rng
    pool = rng.choices(list(POOLS), weights=(40, 30, 24, 6))[0]
    agency = rng.choices(w.agencies, weights=[30] + [70 / 9] * 9)[0]
    tenderer = rng.choice(w.tenderers)
    acc.add("tender_parties", m.TenderParties(tender, agency, tenderer))
    if rng.random() < (0.35 if agency in w.lax else 0.04):  # an approved exception
        kind = rng.choice(("small_pool", "redraw", "replacement"))
        acc.add("procedure_exceptions", m.ProcedureException(tender, kind, agency, deadline))
    bidders = rng.sample(w.bidders, rng.randint(3, 8))
    ring: list[str] = []
    shown: set[str] = set()
    scheme = None
    if rng.random() < 0.14:
        ring = bidders[: rng.choice((2, 2, 3))]
        shown = {x for x in RING_INDICATORS if rng.random() < 0.35} or {rng.choice(RING_INDICATORS)}
        scheme = rng.choice(("progression", "band")) if rng.random() < 0.5 else None
        if scheme == "band":  # a band ring is the whole (small) lot: cover bids all round
            bidders = bidders[: min(len(bidders), 4)]
            ring = list(bidders)
    if rng.random() < 0.01:  # an agency conflict: its staff is a bidder's principal
        staff = _hash(f"staff{agency}{rng.randrange(3)}")
        acc.add("party_people", m.PartyPerson(bidders[-1], "principal", staff))
    for b in bidders:
        acc.add("lot_bidders", m.LotBidder(tender, "1", b))
    _uploads(acc, w, tender, deadline, bidders, ring, shown)
    _documents(acc, w, tender, deadline, bidders, ring, shown)
    _prices(acc, tender, bidders, ring, scheme)
    _experts(acc, w, tender, pool, agency, tenderer, deadline, bidders)


def _uploads(acc: _Acc, w: _World, tender: str, deadline: datetime, bidders: list[str],
             ring: list[str], shown: set[str]) -> None:  # fmt: skip
    rng = acc.rng
    same = ("machine" in shown) or ("network" in shown)
    start = deadline - timedelta(minutes=rng.uniform(10, 2000))
    for n, b in enumerate(bidders):
        hours = rng.expovariate(1 / 6) if rng.random() < 0.5 else rng.uniform(0, 2)
        at = deadline - timedelta(hours=min(hours, 72))
        address = w.address[b] if rng.random() < 0.9 else f"100.64.{rng.randrange(256)}.{n}"
        installation = _hash(f"inst{b}")[:32]
        if b in ring and same:
            at = start + timedelta(minutes=sum(rng.expovariate(1 / 4) for _ in range(n)))
            address = w.address[ring[0]]
            if "machine" in shown:
                installation = _hash(f"inst{ring[0]}")[:32]
        acc.add("upload_origins", m.UploadOrigin(tender, "1", b, address, installation, at))
        sealed = _hash(f"{tender}{b}") if not (b in ring and "parts" in shown) else _hash(tender)
        acc.add("part_hashes", m.PartHash(tender, "1", b, sealed))
        if rng.random() < 0.7 or (b in ring and "bonds" in shown):
            account = (
                f"62220{w.bidders.index(ring[0] if b in ring and 'bonds' in shown else b):011d}"
            )
            acc.add("bond_accounts", m.BondAccount(tender, "1", b, account))
        person = rng.choice(w.managers[b])
        if b in ring and "people" in shown:
            person = w.managers[ring[0]][0]
        acc.add("bid_people", m.BidPerson(tender, "1", b, "project_manager", _hash(person)))
    labelled = (
        ("machine", "bids_same_installation"), ("parts", "parts_identical"),
        ("metadata", "files_metadata_identical"), ("people", "bid_people_shared"),
    )  # fmt: skip
    for indicator, rule in labelled:
        if indicator in shown:
            acc.label(rule, tender, "1")
    if same:
        acc.label("bids_same_address", tender, "1")
    if "bonds" in shown:
        acc.label("bonds_same_account", tender)


def _documents(acc: _Acc, w: _World, tender: str, deadline: datetime, bidders: list[str],
               ring: list[str], shown: set[str]) -> None:  # fmt: skip
    rng = acc.rng
    template = rng.random() < 0.4
    if template:  # the agency's template: honest bidders often keep its metadata
        made_at = deadline - timedelta(days=20)
        meta = m.FileMeta(tender, "1", None, "template.pdf", "招标文件模板", "代理机构",
                          "WPS Office", made_at)  # fmt: skip
        acc.add("file_metas", meta)
    made = deadline - timedelta(hours=rng.uniform(5, 200))
    for n, b in enumerate(bidders):
        author, org = w.authors[b], f"{b} 公司"
        if template and rng.random() < 0.6:
            author, org = "招标文件模板", "代理机构"
        software = rng.choice(SOFTWARE)
        created = deadline - timedelta(hours=rng.uniform(2, 240))
        if b in ring and "metadata" in shown:
            author, software = w.authors[ring[0]], "WPS Office"
            org = f"{ring[0]} 公司" if rng.random() < 0.5 else org
            created = made + timedelta(minutes=n * rng.expovariate(1 / 3))
        acc.add(
            "file_metas", m.FileMeta(tender, "1", b, f"{b}.pdf", author, org, software, created)
        )


def _prices(
    acc: _Acc, tender: str, bidders: list[str], ring: list[str], scheme: str | None
) -> None:
    rng = acc.rng
    estimate = rng.randrange(1_000_000, 50_000_000) * 100
    low = rng.random() < 0.15  # a ceiling under honest costs: honest bids bunch below it
    ceiling = int(estimate * (rng.uniform(0.85, 0.93) if low else rng.uniform(1.0, 1.1)))
    step = rng.randrange(5, 60) * 10_000
    for n, b in enumerate(bidders):
        if low:
            price = int(ceiling * (1 - rng.uniform(0.002, 0.035)))
        else:
            price = min(int(estimate * rng.gauss(0.92, 0.05)), ceiling)
        if scheme == "progression" and b in ring:
            price = int(estimate * 0.95) // 10_000 * 10_000 + n * step
        if scheme == "band":
            price = int(ceiling * (1 - rng.uniform(0.0005, 0.004)))
        acc.add("bid_prices", m.BidPrice(tender, "1", b, price // 100 * 100, ceiling))
    if scheme == "progression" and len(ring) >= 3:
        acc.label("prices_progression", tender, "1")
    if scheme == "band":
        acc.label("prices_band", tender, "1")


def _experts(acc: _Acc, w: _World, tender: str, pool: str, agency: str, tenderer: str,
             deadline: datetime, bidders: list[str]) -> None:  # fmt: skip
    rng = acc.rng
    panel = rng.sample(w.experts[pool], 5)
    forced: set[str] = set()

    def bring(expert: str) -> None:  # seat ``expert`` in place of a member not brought
        free = [i for i, e in enumerate(panel) if e not in forced]
        if expert not in panel and free:
            panel[rng.choice(free)] = expert
        forced.add(expert)

    for expert, (kind, party) in w.ties.items():  # an expert tied to an agency/tenderer
        met = party == (agency if kind == "agency" else tenderer)
        if met and expert in w.experts[pool] and rng.random() < 0.7:
            bring(expert)
    for expert, partner in w.pairs.items():  # an arranged pair: one brings the other
        if expert in panel and rng.random() < 0.8:
            forced.add(expert)
            bring(partner)
    at = deadline + timedelta(days=1)
    for expert in panel:
        acc.add("sittings", m.Sitting(tender, expert, agency, tenderer, pool, at))
        for b in bidders:
            deviation = abs(rng.gauss(0, 7))
            if expert in w.deviants and rng.random() < 0.45:
                deviation = rng.uniform(15, 40)
            acc.add("expert_scores", m.ExpertScore(tender, "1", expert, b, deviation, at))


def _label_patterns(acc: _Acc, w: _World) -> None:
    """Label what the ground truth makes a case, once it left enough evidence to see."""
    scores: dict[str, int] = {}
    for s in acc.rows.get("expert_scores", []):
        scores[s.expert] = scores.get(s.expert, 0) + 1
    for e in w.deviants:
        if scores.get(e, 0) >= 10:
            acc.label("expert_deviations", e)
    panels: dict[str, set[str]] = {}
    for s in acc.rows.get("sittings", []):
        panels.setdefault(s.tender, set()).add(s.expert)
    for a, b in w.pairs.items():
        if sum(1 for p in panels.values() if {a, b} <= p) >= 3:
            acc.label("expert_pairs", *sorted((a, b)))
    for e, (kind, party) in w.ties.items():
        met = sum(1 for s in acc.rows["sittings"] if s.expert == e and getattr(s, kind) == party)
        if met >= 3:
            acc.label(f"expert_{kind}", e, party)
    _label_relations(acc)
    for agency in w.lax:
        hits = [e for e in acc.rows.get("procedure_exceptions", []) if e.agency == agency]
        if len(hits) >= 3:
            acc.label("agency_exceptions", agency)


def _label_relations(acc: _Acc) -> None:
    links: set[frozenset[str]] = set()
    for r in acc.rows["party_relations"]:
        if r.kind != "supplier":
            links.add(frozenset((r.from_org, r.to_org)))
    people: dict[str, set[str]] = {}
    for p in acc.rows["party_people"]:
        people.setdefault(p.id_hash, set()).add(p.organisation)
    for orgs in people.values():
        links |= {frozenset((a, b)) for a in orgs for b in orgs if a != b}
    lots: dict[str, set[str]] = {}
    for bid in acc.rows["lot_bidders"]:
        lots.setdefault(bid.tender, set()).add(bid.bidder)
    agency = {t.tender: t.agency for t in acc.rows["tender_parties"]}
    for tender, bidders in lots.items():
        if any(frozenset((a, b)) in links for a in bidders for b in bidders if a < b):
            acc.label("bidders_related", tender, "1")
        if any(frozenset((agency[tender], b)) in links for b in bidders):
            acc.label("agency_conflict", tender)
