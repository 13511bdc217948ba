"""The contract of an awarded lot and its performance (issue 13, items 4-5)."""
