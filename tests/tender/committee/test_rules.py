"""The opening committee's rules before publication (tender/committee/rules.py), as
check_tender reports them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from uuid import UUID

from signing.certs import Identity
from signing.demo_ca import DemoCA, create_demo_ca, issue_identity
from signing.trust import TrustStore
from tender.committee.model import Roster
from tender.model import Tender
from tender.rules import check_tender
from tests.tender.conftest import RULE_CA_TIME
from tests.tender.kit import AGENCY_ID, NOW, TENDERER_ID, a_roster, a_tender, context


def codes(tender: Tender, rosters: Mapping[str, Roster], trust: TrustStore | None) -> list[str]:
    """The codes of the rules ``tender`` breaks."""
    return [v.code for v in check_tender(tender, rosters, context(trust=trust))]


def _committee(rule_officials: tuple[Identity, ...]) -> dict[str, Roster]:
    return {"1": a_roster(rule_officials, at=NOW)}


def test_committee_missing_is_reported(rule_trust: TrustStore) -> None:
    """Every lot needs its opening committee."""
    assert codes(a_tender(), {}, rule_trust) == ["committee_missing"]


def test_committee_unapproved_is_reported(
    rule_officials: tuple[Identity, ...], rule_trust: TrustStore
) -> None:
    """The department's approval is part of the appointment, not a formality."""
    rosters = {"1": a_roster(rule_officials, at=NOW, approved=False)}
    assert codes(a_tender(), rosters, rule_trust) == ["committee_unapproved"]


def test_committee_single_organisation_is_reported(
    rule_officials: tuple[Identity, ...], rule_trust: TrustStore
) -> None:
    """Officials from one organisation could collude: at least two are required."""
    roster = a_roster(rule_officials, at=NOW, organisations=[UUID(int=7)])
    assert codes(a_tender(), {"1": roster}, rule_trust) == ["committee_single_organisation"]


def test_committee_statement_invalid_is_reported(
    rule_officials: tuple[Identity, ...], rule_trust: TrustStore
) -> None:
    """A statement by a CA the platform does not trust (or none configured) is refused."""
    rosters = _committee(rule_officials)
    assert codes(a_tender(), rosters, None).count("committee_statement_invalid") == 3


def test_committee_statement_from_an_untrusted_ca_is_reported(
    rule_officials: tuple[Identity, ...], rule_ca: DemoCA, rule_trust: TrustStore
) -> None:
    """An official whose certificate comes from an unknown CA cannot vouch for its key."""

    stranger_ca = create_demo_ca(now=RULE_CA_TIME)
    stranger = issue_identity(stranger_ca, name="冒名者", now=RULE_CA_TIME)
    roster = a_roster((*rule_officials[:2], stranger), at=NOW)
    found = check_tender(a_tender(), {"1": roster}, context(trust=rule_trust))
    assert [(v.code, v.message.split(":")[0]) for v in found] == [
        ("committee_statement_invalid", "official x=3")
    ]


def test_official_certificate_expires_before_opening_is_reported(
    rule_officials: tuple[Identity, ...], rule_ca: DemoCA, rule_trust: TrustStore
) -> None:
    """A certificate valid now but not at the opening cannot be relied on."""
    short = issue_identity(
        rule_ca, name="短期官员", now=RULE_CA_TIME, valid_for=dt.timedelta(days=450)
    )
    roster = a_roster((*rule_officials[:2], short), at=NOW)
    found = codes(a_tender(), {"1": roster}, rule_trust)
    assert found == ["official_certificate_expires_before_opening"]


def test_official_from_interested_party_is_reported(
    rule_officials: tuple[Identity, ...], rule_trust: TrustStore
) -> None:
    """Officials are never the agency's or the tenderer's people."""
    roster = a_roster(rule_officials, at=NOW, organisations=[AGENCY_ID, TENDERER_ID])
    found = codes(a_tender(), {"1": roster}, rule_trust)
    assert found == ["official_from_interested_party"] * 3
