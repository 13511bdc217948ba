"""Government procurement methods besides tendering (issue 18, item 4; DOMAIN.md "Other
transaction types"): competitive negotiation, request for quotations, single source and
competitive consultation, each built on the tender's notice, documents, bonds, sealed
bids, opening, evaluation session and log rather than beside them."""
