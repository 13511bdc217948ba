"""Check that the database holds whole, unaltered blobs: each one streamed from the
PostgreSQL blob store (tender/blobs/pgstore.py) and its SHA-256 compared with its name.

    python scripts/ops/verify_blobs.py --database-url URL [SHA256 ...]

With no name given, every blob a bid part names (docs/deployment.md, "Restore drill").
Exit 0 when every blob reads back under its name, 1 otherwise (one line per problem).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import sys
import tempfile
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tender.blobs.pgstore import PgBlobStore  # noqa: E402
from tender.errors import BlobMissing  # noqa: E402

PART_BLOBS = "SELECT DISTINCT sha256 FROM bid_parts ORDER BY sha256"


async def check(dsn: str, names: list[str]) -> int:
    """Stream every named blob and hash it; the number of problems (each printed)."""
    if not names:
        conn = await asyncpg.connect(dsn)
        try:
            names = [row["sha256"] for row in await conn.fetch(PART_BLOBS)]
        finally:
            await conn.close()
    problems = 0
    with tempfile.TemporaryDirectory() as cache:  # no local copy is trusted or kept
        store = PgBlobStore(Path(cache), dsn)
        try:
            for name in names:
                digest, size = hashlib.sha256(), 0
                try:
                    async for chunk in store.read(name):
                        digest.update(chunk)
                        size += len(chunk)
                except BlobMissing:
                    print(f"missing: {name}")
                    problems += 1
                    continue
                if digest.hexdigest() != name or size != await store.size(name):
                    print(f"damaged: {name}")
                    problems += 1
                else:
                    print(f"ok: {name} ({size} bytes)")
        finally:
            await store.close()
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="the application role's URL")
    parser.add_argument("names", nargs="*", help="blob names (default: every bid part's)")
    args = parser.parse_args()
    return 1 if asyncio.run(check(args.database_url, list(args.names))) else 0


if __name__ == "__main__":
    sys.exit(main())
