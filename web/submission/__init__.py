"""Web side of sealed submission: uploads, submit, withdraw, receipts, the freeze jobs."""
