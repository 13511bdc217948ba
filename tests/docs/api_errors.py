"""docs/api-errors.md, rendered from the error classes themselves.

    .venv/bin/python -m tests.docs.api_errors > docs/api-errors.md

tests/docs/test_api_errors_md.py checks the file is exactly this text.
"""

from __future__ import annotations

import inspect
import sys

from accounts.errors import AccountsError
from client.errors import ClientError
from evaluation.errors import EvaluationError
from expert_pool.errors import ExpertPoolError
from listing.auction.errors import AuctionError
from listing.errors import ListingError
from live.errors import LiveError
from procurement.errors import ProcurementError
from signing.errors import EtenderError, SigningError
from signing.log.errors import AuditError
from supervision.errors import SupervisionError
from tender.errors import TenderError
from tests.web.error_tree import dotted, error_classes
from web.errors import WebError

ROOTS: tuple[type[EtenderError], ...] = (
    SigningError, AuditError, AccountsError, LiveError, TenderError, ExpertPoolError,
    EvaluationError, SupervisionError, ListingError, AuctionError, ProcurementError, WebError,
    ClientError,
)  # fmt: skip

HEAD = """\
# Error codes and their HTTP statuses

Every failure of the API has the one error body
`{"error": {"code", "message", "details", "request_id"}}` (docs/api-auth.md, "Errors").
The `code` is stable and names the rule broken; the HTTP status is the one the code's
error class declares (web/errormap.py reads it from the class, never from the code's
spelling). The root of every class is `signing.errors.EtenderError`: 422, a request that
breaks a rule, unless a class or a category it inherits from says otherwise; anything
that is not an `EtenderError` is `500 internal_error`, its text never shown. A live
session's socket closes with 4000 + the same status (docs/live-sessions.md).

Codes are part of the public interface: never change one, add new ones instead. A
status changes only on purpose (tests/web/test_error_statuses.py pins each one). This
list is generated from the code (`.venv/bin/python -m tests.docs.api_errors >
docs/api-errors.md`) and checked by tests/docs/test_api_errors_md.py.
"""


def meaning(cls: type) -> str:
    """The class's own docstring, first paragraph, on one line."""
    doc = inspect.cleandoc(vars(cls)["__doc__"])
    first = doc.split("\n\n")[0]
    return " ".join(first.split()).replace("|", "\\|")


def row(cls: type[EtenderError]) -> str:
    return f"| `{cls.code}` | {cls.status} | `{dotted(cls)}` | {meaning(cls)} |"


def render() -> str:
    """The whole of docs/api-errors.md."""
    ours = [cls for cls in error_classes() if issubclass(cls, EtenderError)]
    parts = [HEAD, "## The root\n", TABLE, row(EtenderError), ""]
    for root in ROOTS:
        family = [cls for cls in ours if issubclass(cls, root)]
        # Where the family's classes live: a root's classes may sit in several packages
        # (the log's format errors in signing/log/, its store's in audit/).
        homes = sorted(
            {cls.__module__.rpartition(".")[0].replace(".", "/") + "/" for cls in family}
        )
        parts += [f"## {root.__name__}: {', '.join(homes)}\n", TABLE]
        parts += [row(cls) for cls in family]
        parts.append("")
    return "\n".join(parts)


TABLE = "| Code | Status | Class | Meaning |\n|---|---|---|---|"

if __name__ == "__main__":
    sys.stdout.write(render())
