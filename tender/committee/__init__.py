"""A lot's opening committee: model.py (the roster), rules.py (what it must keep before
publication), queries.py (SQL), service.py (appoint, approve, freeze)."""
