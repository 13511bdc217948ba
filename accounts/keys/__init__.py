"""Users' signing certificates and age recipients, and login by a signed challenge."""
