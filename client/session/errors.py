"""Errors of the member's session client (``etender session``); each ends as one line.

    ClientError                     client_error              (client/errors.py)
    └── SessionClientError          session_client_error
        ├── SessionUnauthenticated  session_unauthenticated   close 4401: no valid token
        ├── SessionNotParticipant   session_not_participant   close 4403: not admitted
        ├── SessionNotFound         session_not_found         close 4404: no such session
        ├── SessionUrlInvalid       session_url_invalid       close 4422 / a bad --server
        ├── SessionKindMismatch     session_kind_mismatch     the socket is another kind
        ├── SessionUnreachable      session_unreachable       gave up reconnecting
        ├── SessionNoAnswer         session_no_answer         connected, no answer in time
        ├── SessionProtocolError    session_protocol_error    the server broke the protocol
        ├── SessionCommandRefused   session_command_refused   an error frame (its code inside)
        ├── SessionStateCorrupt     session_state_corrupt     the state dir cannot be trusted
        ├── SessionStateInsecure    session_state_insecure    others may read the state dir
        ├── SheetInputInvalid       session_sheet_input_invalid  the entries file
        ├── SheetAlreadySubmitted   session_sheet_submitted   other entries, same version
        ├── SheetNotSealed          session_sheet_not_sealed  nothing to reveal here
        ├── RevealTooEarly          session_reveal_too_early  the session is not revealing
        ├── ReportNotDrafted        session_report_not_drafted  no report announced yet
        └── ReportHashMismatch      session_report_mismatch   the bytes are not the announced

The close codes are docs/live-sessions.md's; a refusal the server sends as an ``error``
frame keeps the server's own code (``server_code``) beside this client's stable one.
"""

from __future__ import annotations

from client.errors import ClientError


class SessionClientError(ClientError):
    """Root of the session client's refusals."""

    code = "session_client_error"


class SessionUnauthenticated(SessionClientError):
    """Close 4401: the token is missing, invalid or expired — retrying cannot help."""

    code = "session_unauthenticated"


class SessionNotParticipant(SessionClientError):
    """Close 4403: signed in, but not admitted to this session."""

    code = "session_not_participant"


class SessionNotFound(SessionClientError):
    """Close 4404: the server knows no such live session."""

    code = "session_not_found"


class SessionUrlInvalid(SessionClientError):
    """Close 4422, or a --server URL this client cannot use."""

    code = "session_url_invalid"


class SessionKindMismatch(SessionClientError):
    """The socket's ``hello`` names another session or kind than the command needs."""

    code = "session_kind_mismatch"


class SessionUnreachable(SessionClientError):
    """No server answered for the whole retry period: what was not acknowledged is kept."""

    code = "session_unreachable"


class SessionNoAnswer(SessionClientError):
    """Connected, but a command got no ack or error in time (it stays to be resent)."""

    code = "session_no_answer"


class SessionProtocolError(SessionClientError):
    """The server sent a frame docs/live-sessions.md does not allow."""

    code = "session_protocol_error"


class SessionCommandRefused(SessionClientError):
    """The server answered a command with an error frame; ``details`` keeps its body:
    ``{"command": <type>, "code": <the server's code>, "details": <its details>}``."""

    code = "session_command_refused"

    @property
    def server_code(self) -> str:
        """The server's own stable code (docs/api-errors.md), e.g. ``sheet_phase_closed``."""
        details = self.details if isinstance(self.details, dict) else {}
        return str(details.get("code", ""))


class SessionStateCorrupt(SessionClientError):
    """A file of the state directory is not what this client wrote: nothing is sent."""

    code = "session_state_corrupt"


class SessionStateInsecure(SessionClientError):
    """The state directory or a file in it is another user's or readable by others."""

    code = "session_state_insecure"


class SheetInputInvalid(SessionClientError):
    """The member's entries file is not a list of entries of the phase."""

    code = "session_sheet_input_invalid"


class SheetAlreadySubmitted(SessionClientError):
    """A sheet of this version was sealed with other entries: --new-version resubmits."""

    code = "session_sheet_submitted"


class SheetNotSealed(SessionClientError):
    """No sheet of the phase was sealed from this state directory: no key to reveal."""

    code = "session_sheet_not_sealed"


class RevealTooEarly(SessionClientError):
    """The session is not in the phase's reveal: the key stays on this machine."""

    code = "session_reveal_too_early"


class ReportNotDrafted(SessionClientError):
    """No ``report.drafted`` event yet: there is nothing to sign."""

    code = "session_report_not_drafted"


class ReportHashMismatch(SessionClientError):
    """The report bytes fetched do not hash to the SHA-256 the session announced."""

    code = "session_report_mismatch"
