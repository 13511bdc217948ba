"""Database plumbing: the embedded cluster, connection pools and migrations."""
