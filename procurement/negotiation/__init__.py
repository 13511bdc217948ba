"""Competitive negotiation (竞争性谈判, Decree 74 Art. 26-35): rounds of negotiation, then
final quotations; the lowest compliant final quotation wins."""
