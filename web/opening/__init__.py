"""Web side of the opening: its API, the hall page and the settle job."""
