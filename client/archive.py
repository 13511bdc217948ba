"""``etender archive verify PACKAGE [--supplement FILE …]``: check a project archive offline.

An auditor's program (DESIGN.md, trust model 5): it reads the package and nothing else
— no server, no network — and checks every hash, every CMS signature as of its time
against the package's CA certificates and CRLs, the checkpoints' signatures and
cosignatures with the package's log and witness keys, the consistency proofs between
checkpoints and every entry's inclusion proof (signing/archive/verify.py has the
order; docs/formats/archive.md the format). Each ``--supplement`` must name this
package's SHA-256 and carry the platform's signature.

Exit status: 0 everything verifies; 1 a check failed (each failure printed as
``FAILED <file>: <what>``); 2 the package or a supplement cannot be read as one.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from signing.archive.errors import ArchiveInvalid, ArchiveUnreadable
from signing.archive.supplement import verify_supplement
from signing.archive.verify import Verified, verify_package

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_UNREADABLE = 2


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``archive`` command and its ``verify`` action."""
    archive = subparsers.add_parser("archive", help="project archives (一项一档)")
    actions = archive.add_subparsers(dest="archive_action", required=True, metavar="ACTION")
    verify = actions.add_parser(
        "verify",
        help="check an archive package offline (exit 1 naming each file that fails)",
        description="Check every hash, signature, checkpoint and proof of an archive "
        "package, offline: nothing is fetched.",
    )
    verify.add_argument("package", type=Path, help="the archive package (.tar)")
    verify.add_argument(
        "--supplement",
        type=Path,
        action="append",
        default=[],
        help="a signed supplement of this package (performance records); repeatable",
    )
    verify.set_defaults(func=run_verify)


def _report(problems: object) -> None:
    for item in problems if isinstance(problems, list) else []:
        print(f"FAILED {item['file']}: {item['what']}", file=sys.stderr)


def _summary(verified: Verified) -> str:
    tender = verified.manifest.tender
    return (
        f"OK {verified.sha256}\n"
        f"tender {tender.get('code', '')} ({tender.get('id', '')}), built "
        f"{verified.manifest.built_at}\n"
        f"{verified.files} files, {verified.signatures} signatures, "
        f"{verified.checkpoints} checkpoints, {verified.entries} log entries verified\n"
        "platform CA SHA-256 (compare with the one the platform publishes): "
        + ", ".join(verified.platform_ca_sha256)
    )


def run_verify(args: argparse.Namespace) -> int:
    """Verify the package, then each supplement against it."""
    try:
        data = args.package.read_bytes()
        supplements = [(path, path.read_bytes()) for path in args.supplement]
    except OSError as exc:
        print(
            f"etender archive verify: cannot read {exc.filename}: {exc.strerror}", file=sys.stderr
        )
        return EXIT_UNREADABLE
    try:
        verified = verify_package(data)
        for path, body in supplements:
            verify_supplement(data, body, path.name)
    except ArchiveUnreadable as exc:
        print(f"etender archive verify: unreadable: {exc.message}", file=sys.stderr)
        return EXIT_UNREADABLE
    except (ValueError, TypeError, KeyError, UnicodeError, RecursionError) as exc:
        # Untrusted bytes a check did not foresee: still an answer, never a traceback.
        print(f"etender archive verify: unreadable: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    except ArchiveInvalid as exc:
        _report(exc.details)
        return EXIT_INVALID
    print(_summary(verified))
    for path, _ in supplements:
        print(f"supplement {path.name}: names this package, platform signature ok")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """``python -m client.archive verify PACKAGE``: the verifier without the server's code."""
    parser = argparse.ArgumentParser(prog="etender")
    register(parser.add_subparsers(dest="command", required=True, metavar="COMMAND"))
    args = parser.parse_args(["archive", *(sys.argv[1:] if argv is None else argv)])
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
