"""Web side of draws: operation, the experts' answers, the transcript (API and pages)."""
