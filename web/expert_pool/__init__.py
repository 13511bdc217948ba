"""Web side of the expert pool: experts, records, venues, policy (API, pages, jobs, demo)."""
