"""Logins and sessions: password login with throttling, tokens, logout."""
