"""etender: evaluation — what the evaluation committee works from (DESIGN.md).

So far: the decrypted bid files the opening left, served to the lot's evaluation
committee and the tender's supervisors only, every read logged
(evaluation/bid_files/service.py, docs/api-evaluation.md).
"""
