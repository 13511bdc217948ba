"""Web side of registered keys: challenges, certificate login, signing and recipient keys."""
