"""The opened bid files the evaluation committee and supervisors read, every read logged."""
