"""One server process of the kill -9 test: the application on a port of the loopback,
its own pools and live hub on the test's database, the echo kind registered.

    python -m tests.client.session.node DSN DATA_DIR PORT
"""

from __future__ import annotations

import sys
from pathlib import Path

import uvicorn

from tests.web.live.echo import EchoKind
from web.app import create_app
from web.http_limits import http_protocol
from web.services import services
from web.settings import Settings


def main(dsn: str, data_dir: str, port: int) -> None:
    """Serve until killed."""
    settings = Settings(database_url=dsn, data_dir=Path(data_dir))
    app = create_app(settings)
    services(app).live.kinds[EchoKind.name] = EchoKind()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, http=http_protocol(settings),
        ws="websockets-sansio", log_level="warning", lifespan="on",
    )  # fmt: skip
    uvicorn.Server(config).run()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
