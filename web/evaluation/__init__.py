"""Web side of evaluation: the opened bid files."""
