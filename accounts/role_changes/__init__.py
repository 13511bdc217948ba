"""Administrator role changes: one administrator proposes, a second approves (三员分立)."""
