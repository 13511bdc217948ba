"""The demo's files: the users' side (CA, signing keys) and the server's trust in the CA.

Written so that a rerun finishes the job (issue 15, item 6): a CA already in the client
folder — from an earlier run, with this or another data dir — is used again rather than
refused, and every other file is overwritten whole. The CA's and the users' private
keys go to the client folder, never the data dir: the platform holds no one's private
key (DESIGN.md, "Signatures").
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path

from signing.age import X25519Identity
from signing.certs import Identity, dump_pem_certificate, dump_pem_private_key
from signing.demo_ca import DemoCA
from tender.trust import TRUST_DIR
from web.cli.ca import init_ca, load_ca

CA_FILES = ("root.crt", "issuing.crt")


def demo_ca(client: Path) -> DemoCA:
    """The client folder's demo CA: the one already there, else a new one."""
    directory = client / "ca"
    if (directory / "root.crt").exists():
        return load_ca(directory)
    return init_ca(directory)


def trust_ca(client: Path, data_dir: Path) -> None:
    """The server trusts the demo CA: its two certificates in the data dir's trust folder."""
    trust = data_dir / TRUST_DIR
    trust.mkdir(parents=True, exist_ok=True)
    for name in CA_FILES:
        shutil.copyfile(client / "ca" / name, trust / f"demo-{name}")


def write_keys(client: Path, identities: Mapping[str, Identity]) -> None:
    """Each identity's key (0600) and certificate chain under ``client/keys``."""
    keys = client / "keys"
    keys.mkdir(parents=True, exist_ok=True, mode=0o700)
    for name, identity in identities.items():
        fd = os.open(keys / f"{name}.key", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(dump_pem_private_key(identity.key))
        chain = [identity.certificate, *identity.chain]
        (keys / f"{name}.crt").write_bytes(b"".join(dump_pem_certificate(c) for c in chain))


def write_age_keys(client: Path, identities: Mapping[str, X25519Identity]) -> None:
    """Each official's age identity (0600) as ``client/keys/<name>.agekey``: what
    ``etender opening release --identity`` reads to release the official's shares."""
    keys = client / "keys"
    keys.mkdir(parents=True, exist_ok=True, mode=0o700)
    for name, identity in identities.items():
        fd = os.open(keys / f"{name}.agekey", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(f"# DEMO ONLY: {name}'s opening key\n{identity.encode()}\n")
