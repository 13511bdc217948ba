"""The opening of sealed bids.

Pure decisions: model.py (causes, outcomes, release checks), keys.py (which key opens a
part), record.py (the signed opening record). With the database: queries.py (SQL),
lot.py (a lot's opening state), release.py (officials' shares), decrypt.py (parts),
progress.py (advancing a lot), publication.py (the record), responses.py (bidders'
confirmations and objections).
"""
