"""The WebSocket endpoint of live sessions; the engine is live/, each kind is its domain's."""
