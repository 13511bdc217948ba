"""Copy a node's local blob store into the PostgreSQL one, before switching a platform
from ``ETENDER_BLOB_STORE=local`` to ``postgres`` (docs/deployment.md, §4).

    python scripts/ops/import_blobs.py --database-url URL --data-dir /var/lib/etender

Every committed blob under ``<data dir>/blobs/objects`` is hashed, refused if its name
is not its SHA-256, and written into the database unless it is there already (the same
rules as an upload's install: committed before the next one starts). Idempotent: run it
again after a partial run, or on every node that had blobs of its own.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tender.blobs.pgstore import PgBlobStore  # noqa: E402
from tender.blobs.store import READ_SIZE, check_sha256  # noqa: E402
from tender.errors import BlobNameInvalid  # noqa: E402


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(READ_SIZE):
            digest.update(chunk)
    return digest.hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="the application role's URL")
    parser.add_argument("--data-dir", required=True, type=Path, help="the node's data dir")
    args = parser.parse_args()
    store = PgBlobStore(args.data_dir / "blobs", args.database_url)
    problems = imported = 0
    for path in sorted(p for p in store.objects_dir.rglob("*") if p.is_file()):
        try:
            name = check_sha256(path.name)
        except BlobNameInvalid:
            continue  # not a blob of the store
        if _digest(path) != name:
            print(f"damaged, not imported: {path}")
            problems += 1
            continue
        store.push_file(path, name)
        imported += 1
    print(f"{imported} blob(s) in the database; {problems} damaged")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
