"""The official's release command is exactly what the real client parses."""

from __future__ import annotations

import argparse
import shlex
import uuid
from pathlib import Path

from client import opening
from tender.committee.served import IDENTITY_FILE, release_command


def test_the_release_command_parses_as_the_clients_release_of_one_lot() -> None:
    """`etender opening release` reads the page's line as the server, tender and lot."""
    tender = uuid.uuid4()
    line = release_command("https://jy.example.cn", tender, "2")
    words = shlex.split(line)
    assert words[:3] == ["etender", "opening", "release"]
    parser = argparse.ArgumentParser(prog="etender")
    opening.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(words[1:])
    assert args.server == "https://jy.example.cn"
    assert args.tender == str(tender)
    assert args.lot == "2"
    assert args.identity == Path(IDENTITY_FILE)
    assert args.token is None  # the token comes from ETENDER_TOKEN, never the line


def test_the_release_command_quotes_a_server_with_shell_characters() -> None:
    """A configured URL is one shell word whatever it holds."""
    line = release_command("http://h/x y;rm", uuid.uuid4(), "1")
    assert shlex.split(line)[4] == "http://h/x y;rm"
