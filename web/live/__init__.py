"""Live sessions over WebSockets: the opening hall and remote evaluation (DESIGN.md)."""
