"""The public disclosure: the OCDS feed and record, each tender's public facts by stage
(JSON and a page), and the home page's current notices and results (docs/open-data.md)."""
