"""Web side of accounts: sign-in pages, the accounts API and the demo data."""
