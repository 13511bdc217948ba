"""`etender ca`: the demo CA on the command line."""

from __future__ import annotations

import datetime as dt
import json
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from signing import errors
from signing.certs import (
    cert_sha256,
    load_crl,
    load_pem_certificate,
    load_pem_certificates,
    load_pem_private_key,
    subject_credit_code,
    subject_name,
)
from signing.cms import sign_detached, verify_detached
from signing.trust import TrustStore, verify_chain
from tests.signing.conftest import BIDDER_CREDIT_CODE, OpenSSL
from web.cli.main import main

COMMANDS = ("init", "issue", "revoke", "crl")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def ca_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A freshly initialised demo CA directory."""
    directory = tmp_path / "ca"
    assert _run(capsys, "ca", "init", "--dir", str(directory))[0] == 0
    return directory


def _trust(directory: Path) -> TrustStore:
    return TrustStore(
        roots=(load_pem_certificate((directory / "root.crt").read_bytes()),),
        intermediates=(load_pem_certificate((directory / "issuing.crt").read_bytes()),),
    )


def _issue(
    capsys: pytest.CaptureFixture[str], ca_dir: Path, prefix: Path, *extra: str
) -> tuple[int, str, str]:
    return _run(
        capsys, "ca", "issue", "--dir", str(ca_dir), "--name", "张三", "--out", str(prefix), *extra
    )


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_help_says_demo_only(
    capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """Each `etender ca` command's help text says DEMO ONLY."""
    with pytest.raises(SystemExit) as exited:
        main(["ca", command, "--help"])
    assert exited.value.code == 0
    assert "DEMO ONLY" in capsys.readouterr().out


def test_init_writes_the_ca_with_private_keys_0600(ca_dir: Path) -> None:
    """init writes root and issuing certificates; their keys are readable by the owner only."""
    for name in ("root.crt", "issuing.crt", "issued.json", "revoked.json"):
        assert (ca_dir / name).is_file()
    assert _mode(ca_dir / "root.key") == 0o600
    assert _mode(ca_dir / "issuing.key") == 0o600


def test_init_twice_is_refused(capsys: pytest.CaptureFixture[str], ca_dir: Path) -> None:
    """init does not overwrite an existing CA."""
    code, _, err = _run(capsys, "ca", "init", "--dir", str(ca_dir))
    assert code == 2
    assert err.count("\n") == 1
    assert "already" in err


def test_issue_writes_a_certificate_that_chains_to_the_root(
    capsys: pytest.CaptureFixture[str], ca_dir: Path, tmp_path: Path
) -> None:
    """issue writes PREFIX.crt, PREFIX.chain.crt and a 0600 PREFIX.key that sign and verify."""
    prefix = tmp_path / "zhangsan"
    code, out, _ = _issue(capsys, ca_dir, prefix, "--org", BIDDER_CREDIT_CODE)
    assert code == 0
    cert = load_pem_certificate(Path(f"{prefix}.crt").read_bytes())
    key = load_pem_private_key(Path(f"{prefix}.key").read_bytes())
    chain = load_pem_certificates(Path(f"{prefix}.chain.crt").read_bytes())
    assert _mode(Path(f"{prefix}.key")) == 0o600
    assert subject_name(cert) == "张三"
    assert subject_credit_code(cert) == BIDDER_CREDIT_CODE
    assert f"{cert.serial_number:x}" in out
    at = cert.not_valid_before_utc + dt.timedelta(minutes=1)
    signature = sign_detached(b"manifest", cert, key, chain=chain)
    assert verify_detached(b"manifest", signature, _trust(ca_dir), at).certificate == cert
    issued = json.loads((ca_dir / "issued.json").read_text(encoding="utf-8"))
    assert issued[f"{cert.serial_number:x}"]["cert_sha256"] == cert_sha256(cert)


def test_issue_with_rsa_3072_gives_an_rsa_3072_key(
    capsys: pytest.CaptureFixture[str], ca_dir: Path, tmp_path: Path
) -> None:
    """--algorithm rsa-3072 issues an RSA 3072-bit key."""
    prefix = tmp_path / "rsa"
    assert _issue(capsys, ca_dir, prefix, "--algorithm", "rsa-3072")[0] == 0
    public_key = load_pem_certificate(Path(f"{prefix}.crt").read_bytes()).public_key()
    assert isinstance(public_key, rsa.RSAPublicKey)
    assert public_key.key_size == 3072


def test_issue_with_a_bad_credit_code_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], ca_dir: Path, tmp_path: Path
) -> None:
    """A malformed credit code is a clear one-line error and exit status 2."""
    code, _, err = _issue(capsys, ca_dir, tmp_path / "bad", "--org", "91350100M000100Y44")
    assert code == 2
    assert err.count("\n") == 1
    assert "credit code" in err
    assert not Path(f"{tmp_path / 'bad'}.key").exists()


def test_issue_without_a_ca_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """issue against a directory holding no CA fails with exit status 2."""
    code, _, err = _issue(capsys, tmp_path / "nowhere", tmp_path / "user")
    assert code == 2
    assert "ca init" in err


def test_issue_refuses_to_overwrite_a_key(
    capsys: pytest.CaptureFixture[str], ca_dir: Path, tmp_path: Path
) -> None:
    """An existing PREFIX.key is never overwritten."""
    prefix = tmp_path / "user"
    assert _issue(capsys, ca_dir, prefix)[0] == 0
    before = Path(f"{prefix}.key").read_bytes()
    assert _issue(capsys, ca_dir, prefix)[0] == 2
    assert Path(f"{prefix}.key").read_bytes() == before


def test_revoke_and_crl_revoke_from_the_given_time(
    capsys: pytest.CaptureFixture[str], ca_dir: Path, tmp_path: Path
) -> None:
    """A revocation recorded --at T is in the CRL: valid just before T, revoked at T."""
    prefix = tmp_path / "user"
    assert _issue(capsys, ca_dir, prefix)[0] == 0
    cert = load_pem_certificate(Path(f"{prefix}.crt").read_bytes())
    revoked_at = cert.not_valid_before_utc + dt.timedelta(days=1)
    serial = f"{cert.serial_number:x}"
    at_text = revoked_at.isoformat().replace("+00:00", "Z")
    assert (
        _run(capsys, "ca", "revoke", "--dir", str(ca_dir), "--serial", serial, "--at", at_text)[0]
        == 0
    )
    crl_path = tmp_path / "ca.crl"
    assert _run(capsys, "ca", "crl", "--dir", str(ca_dir), "--out", str(crl_path))[0] == 0
    trust = _trust(ca_dir).with_crls(load_crl(crl_path.read_bytes()))
    verify_chain(cert, trust, revoked_at - dt.timedelta(seconds=1))
    with pytest.raises(errors.CertificateRevoked):
        verify_chain(cert, trust, revoked_at)


@pytest.mark.parametrize(
    ("serial", "at", "message"),
    [
        ("abc123", None, "not issued"),
        ("not-hex", None, "hexadecimal"),
        (None, "2025-01-01T00:00:00", "offset"),
        (None, "yesterday", "RFC 3339"),
    ],
)
def test_bad_revoke_input_exits_2(
    capsys: pytest.CaptureFixture[str],
    ca_dir: Path,
    tmp_path: Path,
    serial: str | None,
    at: str | None,
    message: str,
) -> None:
    """Unknown or malformed serials and times without offsets are refused with exit 2."""
    assert _issue(capsys, ca_dir, tmp_path / "user")[0] == 0
    if serial is None:
        cert = load_pem_certificate(Path(f"{tmp_path / 'user'}.crt").read_bytes())
        serial = f"{cert.serial_number:x}"
    argv = ["ca", "revoke", "--dir", str(ca_dir), "--serial", serial]
    code, _, err = _run(capsys, *argv, *(["--at", at] if at else []))
    assert code == 2
    assert message in err


def test_revoking_twice_is_refused(
    capsys: pytest.CaptureFixture[str], ca_dir: Path, tmp_path: Path
) -> None:
    """A serial already revoked cannot be revoked again (its date would change)."""
    assert _issue(capsys, ca_dir, tmp_path / "user")[0] == 0
    cert = load_pem_certificate(Path(f"{tmp_path / 'user'}.crt").read_bytes())
    argv = ("ca", "revoke", "--dir", str(ca_dir), "--serial", f"{cert.serial_number:X}")
    assert _run(capsys, *argv)[0] == 0
    code, _, err = _run(capsys, *argv)
    assert code == 2
    assert "already revoked" in err


def test_openssl_verifies_a_cli_issued_certificate(
    capsys: pytest.CaptureFixture[str], ca_dir: Path, tmp_path: Path, openssl: OpenSSL
) -> None:
    """`openssl verify` accepts a certificate issued by `etender ca issue`."""
    prefix = tmp_path / "user"
    assert _issue(capsys, ca_dir, prefix)[0] == 0
    result = openssl(
        "verify", "-CAfile", str(ca_dir / "root.crt"), "-untrusted", f"{prefix}.chain.crt",
        "-purpose", "smimesign", f"{prefix}.crt",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
