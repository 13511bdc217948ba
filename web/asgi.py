"""ASGI entry point for uvicorn workers: ``uvicorn --factory web.asgi:application``."""

from __future__ import annotations

import os

from starlette.applications import Starlette

from web.app import create_app
from web.settings import Settings


def application() -> Starlette:
    """Build the app from the environment (each worker process reads it once)."""
    return create_app(Settings.from_env(os.environ))
