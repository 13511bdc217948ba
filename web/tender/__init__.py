"""Web side of tenders: drafts, publication, committees (API, pages, forms, jobs)."""
