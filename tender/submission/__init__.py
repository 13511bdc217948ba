"""Sealed submission (DESIGN.md, "Submission, receipt, freeze"; docs/formats/upload.md).

model.py (bids, versions, uploads, freeze lists: no I/O), queries.py and
upload_queries.py (SQL), context.py (what every use case shares), uploads.py (resumable
part uploads), lease.py (one writer per upload), limits.py (per-bidder caps),
cleanup.py (abandoning stale uploads), signers.py (who may sign), receipts.py (signed
receipts), service.py (submit, withdraw, the bid's reads), freeze.py and
freeze_alerts.py (the deadline freeze and its collusion alerts).
"""
