"""Web side of what follows a tender's publication: documents, clarifications,
objections, bonds, alerts, the notice PDF and OCDS."""
