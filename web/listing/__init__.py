"""The listings' JSON API and public pages (issue 18, items 1, 3 and 5; docs/api-listing.md)."""
