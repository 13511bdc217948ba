"""The auction room on the web: its JSON routes and its page (docs/formats/auction.md)."""
