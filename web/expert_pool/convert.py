"""Conversions between the pool's model and its API bodies (web/expert_pool/bodies.py)."""

from __future__ import annotations

from expert_pool.experts.model import ExpertProfile
from expert_pool.model import (
    Relationship,
)
from web.expert_pool.bodies import (
    ExpertBody,
    ExpertCreate,
    PenaltyBody,
    RelationshipBody,
    UnavailableBody,
)


def expert_body(p: ExpertProfile) -> ExpertBody:
    e = p.expert
    return ExpertBody(
        id=e.id,
        name=e.name,
        id_card_last4=e.id_card.last4,
        phone=e.phone,
        specialties=list(e.specialties),
        title=e.title,
        years_of_practice=e.years_of_practice,
        birth_date=e.birth_date,
        region=e.region,
        employer_credit_code=e.employer_credit_code,
        status=e.status,
        relationships=[
            RelationshipBody(kind=r.kind, credit_code=r.credit_code, person_name=r.person_name)
            for r in e.relationships
        ],
        penalties=[
            PenaltyBody(
                kind=x.kind, imposed_on=x.imposed_on, authority=x.authority, reference=x.reference
            )
            for x in e.penalties
        ],
        unavailable=[
            UnavailableBody(
                id=u.id, starts_at=u.interval.start, ends_at=u.interval.end, note=u.note
            )
            for u in p.unavailable
        ],
        user_id=p.user_id,
        cert_sha256=p.cert_sha256,
        age_recipient=p.age_recipient,
    )


def expert_fields(body: ExpertCreate) -> dict[str, str]:
    """The CSV columns as text: the same rules check both ways in (csv_import)."""
    return {
        "id": body.id,
        "name": body.name,
        "id_card": body.id_card,
        "phone": body.phone,
        "specialties": ";".join(body.specialties),
        "title": str(body.title),
        "years_of_practice": str(body.years_of_practice),
        "birth_date": body.birth_date.isoformat(),
        "region": body.region,
        "employer_credit_code": body.employer_credit_code,
        "status": str(body.status),
    }


def relationship_of(body: RelationshipBody) -> Relationship:
    return Relationship(kind=body.kind, credit_code=body.credit_code, person_name=body.person_name)
