"""What a tender discloses to the public, stage by stage (docs/open-data.md): facts.py
(the facts and when each is public), queries.py and service.py (reading them as of a
moment), public.py (the disclosure API's body), ocds.py, ocds_sections.py and
ocds_packages.py (OCDS 1.1 releases, packages and the record), cursor.py (the feed's
cursor), commitments.py (revealing the pre-deadline commitments)."""
