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

It reads regular files only, each at most ``--max-mib`` MiB (2048 by default): a
named pipe, a device or an endless stream is refused before a byte is read, so the
verifier never waits for input or grows without bound (docs/formats/archive.md §8).
Every message escapes what is not printable: the package is untrusted, and a path or
value in it must never forge an ``OK`` line or reach the terminal as a control code.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from signing.archive.errors import ArchiveInvalid, ArchiveUnreadable
from signing.archive.package import shown
from signing.archive.supplement import verify_supplement
from signing.archive.verify import Verified, verify_package
from signing.regular_file import FileRefused, read_regular

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_UNREADABLE = 2
# The largest package (and supplement) read by default, in MiB; ``--max-mib`` raises it.
DEFAULT_MAX_MIB = 2048


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
    verify.add_argument(
        "--max-mib",
        type=_positive,
        default=DEFAULT_MAX_MIB,
        metavar="N",
        help=f"refuse a file larger than N MiB (default {DEFAULT_MAX_MIB})",
    )
    verify.set_defaults(func=run_verify)


def _positive(text: str) -> int:
    if not (text.isascii() and text.isdigit() and 0 < int(text) < 1 << 32):
        raise argparse.ArgumentTypeError(f"{shown(text)} is not a whole number of MiB")
    return int(text)


def _report(problems: object) -> None:
    for item in problems if isinstance(problems, list) else []:
        print(f"FAILED {shown(item['file'], 300)}: {shown(item['what'], 300)}", file=sys.stderr)


def _summary(verified: Verified) -> str:
    tender = verified.manifest.tender
    return (
        f"OK {verified.sha256}\n"
        f"tender {shown(tender.get('code', ''), 100)} ({shown(tender.get('id', ''), 100)}), "
        f"built {shown(verified.manifest.built_at, 40)}\n"
        f"{verified.files} files, {verified.signatures} signatures, "
        f"{verified.checkpoints} checkpoints, {verified.entries} log entries verified\n"
        "platform CA SHA-256 (compare with the one the platform publishes): "
        + ", ".join(shown(h, 64) for h in verified.platform_ca_sha256)
    )


def run_verify(args: argparse.Namespace) -> int:
    """Verify the package, then each supplement against it."""
    limit = args.max_mib << 20
    try:
        data = read_regular(args.package, limit)
        supplements = [(path, read_regular(path, limit)) for path in args.supplement]
    except FileRefused as exc:
        what = (
            f"larger than the limit of {args.max_mib} MiB (raise it with --max-mib)"
            if exc.too_large
            else exc.strerror
        )
        print(f"etender archive verify: cannot read {shown(exc.path, 300)}: {what}",
              file=sys.stderr)  # fmt: skip
        return EXIT_UNREADABLE
    except OSError as exc:
        print(f"etender archive verify: cannot read {shown(exc.filename, 300)}: {exc.strerror}",
              file=sys.stderr)  # fmt: skip
        return EXIT_UNREADABLE
    try:
        verified = verify_package(data)
        for path, body in supplements:
            verify_supplement(data, body, path.name)
    except ArchiveUnreadable as exc:
        print(f"etender archive verify: unreadable: {shown(exc.message, 300)}", file=sys.stderr)
        return EXIT_UNREADABLE
    except (ValueError, TypeError, KeyError, AttributeError, UnicodeError, RecursionError):
        # Untrusted bytes a check did not foresee: still an answer in words, never a
        # traceback or the name of a Python exception.
        print("etender archive verify: unreadable: a malformed value the checks could not "
              "interpret", file=sys.stderr)  # fmt: skip
        return EXIT_UNREADABLE
    except ArchiveInvalid as exc:
        _report(exc.details)
        return EXIT_INVALID
    print(_summary(verified))
    for path, _ in supplements:
        print(f"supplement {shown(path.name, 300)}: names this package, platform signature ok")
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
