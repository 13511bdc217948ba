"""The organisation tree: registering, finding and listing organisations."""
