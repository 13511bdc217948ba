"""The age v1 header (c2sp.org/age, "Header"): stanzas, strict parsing and the MAC.

    age-encryption.org/v1
    -> <type> <arg>…
    <body, base64 without padding, 64 columns, ending with a shorter line>
    --- <HMAC-SHA-256 of the header up to and including "---", base64>

Writing is canonical; parsing refuses anything outside the ABNF of the spec
("ABNF definition of file header") with age_header_malformed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from signing.agestream import FILE_KEY_SIZE, Readable, hkdf_sha256
from signing.errors import AgeFileKeyInvalid, AgeHeaderMalformed, AgeUnsupportedVersion

VERSION_LINE = b"age-encryption.org/v1\n"
# Bounds of our own (the spec sets none): every X25519 stanza costs a scalar
# multiplication before anything is authenticated, so a header cannot be unbounded.
MAX_LINE = 4096
MAX_STANZAS = 128
_BASE64 = re.compile(rb"[A-Za-z0-9+/]*")
_COLUMNS = 64


def b64encode(data: bytes) -> str:
    """Canonical base64 without padding (c2sp.org/age, "Conventions")."""
    return base64.b64encode(data).decode("ascii").rstrip("=")


def b64decode(text: str | bytes) -> bytes:
    """Decode unpadded base64, refusing padding and non-canonical encodings."""
    raw = text.encode("ascii") if isinstance(text, str) else text
    if not _BASE64.fullmatch(raw) or len(raw) % 4 == 1:
        raise AgeHeaderMalformed("not unpadded base64")
    try:
        data = base64.b64decode(raw + b"=" * (-len(raw) % 4), validate=True)
    except binascii.Error as exc:
        raise AgeHeaderMalformed("not unpadded base64") from exc
    if b64encode(data).encode("ascii") != raw:
        raise AgeHeaderMalformed("non-canonical base64 (non-zero trailing bits)")
    return data


@dataclass(frozen=True, kw_only=True, slots=True)
class Stanza:
    """One recipient stanza: its arguments (the first is the type) and its body."""

    args: tuple[str, ...]
    body: bytes

    @property
    def type(self) -> str:
        """The stanza type: its first argument."""
        return self.args[0]

    def encode(self) -> bytes:
        """The stanza's lines: arguments, then the body wrapped at 64 columns."""
        if not self.args or any(not _is_argument(a.encode("ascii")) for a in self.args):
            raise AgeHeaderMalformed("stanza arguments must be 1*VCHAR each")
        text = b64encode(self.body)
        lines = [text[i : i + _COLUMNS] for i in range(0, len(text), _COLUMNS)]
        if len(text) % _COLUMNS == 0:
            lines.append("")  # the body always ends with a line shorter than 64 columns
        return ("-> " + " ".join(self.args) + "\n" + "".join(f"{x}\n" for x in lines)).encode()


@dataclass(frozen=True, kw_only=True, slots=True)
class Header:
    """A parsed header: its stanzas, its MAC and its exact bytes (final LF included)."""

    stanzas: tuple[Stanza, ...]
    mac: bytes
    raw: bytes

    @property
    def mac_input(self) -> bytes:
        """The bytes the MAC covers: the header up to and including ``---``."""
        return self.raw[: -len(b" " + b64encode(self.mac).encode() + b"\n")]

    def stanzas_of_type(self, stanza_type: str) -> tuple[Stanza, ...]:
        """The stanzas whose first argument is ``stanza_type``."""
        return tuple(s for s in self.stanzas if s.type == stanza_type)


def header_mac(file_key: bytes, mac_input: bytes) -> bytes:
    """HMAC-SHA-256 keyed by HKDF-SHA-256(file key, salt empty, info "header")."""
    key = hkdf_sha256(file_key, b"", b"header")
    return hmac.new(key, mac_input, hashlib.sha256).digest()


def build_header(stanzas: Sequence[Stanza], file_key: bytes) -> bytes:
    """The header bytes for ``stanzas``, MAC'd under ``file_key``."""
    if not stanzas:
        raise AgeHeaderMalformed("a header needs at least one stanza")
    mac_input = VERSION_LINE + b"".join(s.encode() for s in stanzas) + b"---"
    return mac_input + b" " + b64encode(header_mac(file_key, mac_input)).encode() + b"\n"


def _is_argument(arg: bytes) -> bool:
    return bool(arg) and all(0x21 <= c <= 0x7E for c in arg)


def _read_line(source: Readable) -> bytes:
    readline = getattr(source, "readline", None)
    line: bytes = readline(MAX_LINE + 1) if readline else _slow_readline(source)
    if not line.endswith(b"\n"):
        if len(line) > MAX_LINE:
            raise AgeHeaderMalformed(f"a header line is longer than {MAX_LINE} bytes")
        raise AgeHeaderMalformed("the header ends before its MAC line")
    return line


def _slow_readline(source: Readable) -> bytes:
    line = bytearray()
    while len(line) <= MAX_LINE and not line.endswith(b"\n"):
        byte = source.read(1)
        if not byte:
            break
        line += byte
    return bytes(line)


def _read_stanza(first: bytes, source: Readable, raw: list[bytes]) -> Stanza:
    args = first[3:-1].split(b" ")
    if not all(_is_argument(a) for a in args):
        raise AgeHeaderMalformed("stanza arguments must be 1*VCHAR separated by single spaces")
    body: list[bytes] = []
    while True:
        line = _read_line(source)
        raw.append(line)
        text = line[:-1]
        if len(text) > _COLUMNS or not _BASE64.fullmatch(text):
            raise AgeHeaderMalformed("a stanza body line is not base64 of at most 64 columns")
        body.append(text)
        if len(text) < _COLUMNS:
            break
    return Stanza(args=tuple(a.decode("ascii") for a in args), body=b64decode(b"".join(body)))


def _read_version(source: Readable, raw: list[bytes]) -> None:
    line = _read_line(source)
    raw.append(line)
    if line == VERSION_LINE:
        return
    version = line[len(b"age-encryption.org/") : -1]
    if line.startswith(b"age-encryption.org/") and _is_argument(version):
        raise AgeUnsupportedVersion(f"unsupported age version line {line[:64]!r}")
    raise AgeHeaderMalformed("not an age v1 file (armored files are not accepted)")


def read_header(source: Readable) -> Header:
    """Read exactly the header from ``source``, leaving it at the payload's first byte."""
    raw: list[bytes] = []
    _read_version(source, raw)
    stanzas: list[Stanza] = []
    while True:
        line = _read_line(source)
        raw.append(line)
        if line.startswith(b"-> "):
            if len(stanzas) == MAX_STANZAS:
                raise AgeHeaderMalformed(f"more than {MAX_STANZAS} stanzas")
            stanzas.append(_read_stanza(line, source, raw))
        elif line.startswith(b"--- ") and stanzas:
            return _finish_header(stanzas, line, raw)
        else:
            raise AgeHeaderMalformed("expected a stanza (-> ) or the MAC line (--- )")


def _finish_header(stanzas: list[Stanza], line: bytes, raw: list[bytes]) -> Header:
    encoded = line[4:-1]
    if len(encoded) != 43:
        raise AgeHeaderMalformed("the header MAC is not 43 base64 characters")
    return Header(stanzas=tuple(stanzas), mac=b64decode(encoded), raw=b"".join(raw))


def parse_header(data: bytes) -> Header:
    """Parse the header at the start of ``data`` (payload bytes may follow)."""
    return read_header(io.BytesIO(data))


def check_file_key(header: Header, file_key: bytes) -> None:
    """Refuse a file key from outside (self-decryption, Shamir) that fails the header MAC."""
    if len(file_key) != FILE_KEY_SIZE or not hmac.compare_digest(
        header_mac(file_key, header.mac_input), header.mac
    ):
        raise AgeFileKeyInvalid("the file key does not verify the header MAC")
