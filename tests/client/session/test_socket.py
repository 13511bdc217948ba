"""The member's resilient socket (client/session/socket.py) over real uvicorn servers.

docs/live-sessions.md, "Reconnecting": keep the highest seq, reconnect with ?after=,
resend every unacknowledged command with the same id; an ack is matched by id. The
echo kind (tests/web/live/echo.py) answers ``say`` with an event to everyone; a relay
(tests/client/session/kit.py) fails like a network or a killed server process.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from uuid import UUID, uuid4

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette

from client.session.errors import (
    SessionCommandRefused,
    SessionKindMismatch,
    SessionNotFound,
    SessionNotParticipant,
    SessionUnauthenticated,
    SessionUnreachable,
)
from client.session.protocol import Pacer
from client.session.socket import RetryPolicy, SessionSocket
from client.session.state import StateStore, StoredCommand
from live.limits import LiveLimits
from tests.client.session.kit import Relay, frame, stored_events, wait_for_events
from tests.conftest import CloneDatabase, LiveServer, free_port
from tests.web.live.echo import connect, receive, second_node, token_for
from web.services import services

QUICK = RetryPolicy(give_up=20.0, answer_timeout=30.0, open_timeout=5.0)


def member_socket(
    tmp_path: Path, session: UUID, servers: list[str], token: str, **kwargs: object
) -> SessionSocket:
    """A member's socket with its state in tmp_path, warnings collected."""
    store = StateStore(tmp_path / "state", session)
    warnings: list[str] = []
    options: dict[str, object] = {"after": store.load().seq, "retry": QUICK, "kind": "echo"}
    options.update(kwargs)
    return SessionSocket(store, servers, token, warn=warnings.append, **options)  # type: ignore[arg-type]


async def say(sock: SessionSocket, text: str) -> int | None:
    """Store and send a ``say``; the seq of its event."""
    return (await sock.call(sock.store.command(None, "say", {"text": text}))).seq


async def test_a_dropped_connection_resumes_by_seq_without_a_duplicate(
    relay: Relay, live_server: LiveServer, session_id: UUID, tokens: list[str], tmp_path: Path
) -> None:
    """Cut under the client; events sent meanwhile arrive once, in order, after=last seq."""
    async with (
        member_socket(tmp_path, session_id, [relay.url], tokens[0]) as sock,
        await connect(live_server, session_id, tokens[1]) as other,
    ):
        for n in range(3):
            await other.send(frame(f"o{n}", "say", {"text": str(n)}))
            await receive(other, "ack")
        seen = [(await sock.next_event()).seq for _ in range(3)]
        await relay.kill()
        for n in range(3, 5):
            await other.send(frame(f"o{n}", "say", {"text": str(n)}))
            await receive(other, "ack")
        await relay.revive()
        seen += [(await sock.next_event()).seq for _ in range(2)]
        assert await say(sock, "back") == 6
        assert (await sock.next_event()).seq == 6
    assert seen == [1, 2, 3, 4, 5]
    assert sock.seq == 6
    assert len(sock.stats.servers) == 2


async def test_when_a_server_dies_its_clients_move_to_the_next_and_resume(
    relay: Relay,
    live_server: LiveServer,
    session_id: UUID,
    tokens: list[str],
    database: CloneDatabase,
    pool: asyncpg.Pool,
    tmp_path: Path,
) -> None:
    """Two server processes on one PostgreSQL; node 1 dies (reset, port closed): the
    client goes to node 2 with ?after=, misses nothing and sees nothing twice."""
    node, other_pool = await second_node(database, tmp_path)
    async with node.router.lifespan_context(node):
        node2 = LiveServer(node)
        await node2.start()
        async with member_socket(tmp_path, session_id, [relay.url, node2.url], tokens[0]) as sock:
            assert await say(sock, "on node 1") == 1
            await relay.kill()  # node 1 is gone for good
            async with await connect(node2, session_id, tokens[1]) as other:
                await other.send(frame("o1", "say", {"text": "meanwhile"}))
                await receive(other, "ack")
            assert await say(sock, "on node 2") == 3
            kinds = [(await sock.next_event()).data for _ in range(3)]
        await node2.stop()
    await other_pool.close()
    assert kinds == [{"text": "on node 1"}, {"text": "meanwhile"}, {"text": "on node 2"}]
    assert sock.stats.servers == [relay.url, node2.url]
    assert [e[2] for e in await stored_events(pool, session_id)] == kinds


async def test_a_command_applied_but_not_acknowledged_is_resent_with_its_id_and_applied_once(
    relay: Relay,
    live_server: LiveServer,
    session_id: UUID,
    tokens: list[str],
    pool: asyncpg.Pool,
    tmp_path: Path,
) -> None:
    """The server commits the command, the connection dies before the ack: the client
    resends the same frame on reconnecting and gets the first ack; one event."""
    async with member_socket(tmp_path, session_id, [relay.url], tokens[0]) as sock:
        assert await say(sock, "warm up") == 1
        relay.downstream.clear()  # the ack (and the event) will not come through
        command = sock.store.command("score:1", "say", {"text": "8750"})
        answer = asyncio.ensure_future(sock.call(command))
        await wait_for_events(pool, session_id, 2)  # applied and committed
        await relay.kill()
        relay.downstream.set()
        await relay.revive()
        ack = await answer
    assert ack.seq == 2
    assert sock.stats.sent.count(command.id) == 2  # the same id, sent twice
    assert [e[2] for e in await stored_events(pool, session_id)] == [
        {"text": "warm up"},
        {"text": "8750"},
    ]
    assert sock.store.load().by_purpose("score:1") == StoredCommand(
        id=command.id, purpose="score:1", frame=command.frame, answer={"seq": 2}
    )


async def test_a_command_stored_by_a_run_that_crashed_is_sent_by_the_next_run(
    live_server: LiveServer, session_id: UUID, tokens: list[str], pool: asyncpg.Pool, tmp_path: Path
) -> None:
    """Stored before sending, the process died: the next run's connection resends it —
    once if the first run got it through, once if it did not."""
    crashed = StateStore(tmp_path / "state", session_id)
    got_through = crashed.command("a", "say", {"text": "sent, ack lost"})
    never_sent = crashed.command("b", "say", {"text": "never sent"})
    async with await connect(live_server, session_id, tokens[0]) as first_run:
        await first_run.send(got_through.frame)
        assert (await receive(first_run, "ack"))["seq"] == 1
    async with member_socket(tmp_path, session_id, [live_server.url], tokens[0]) as sock:
        assert (await sock.answer(got_through)).seq == 1
        assert (await sock.answer(never_sent)).seq == 2
    assert [e[2]["text"] for e in await stored_events(pool, session_id)] == [
        "sent, ack lost",
        "never sent",
    ]
    assert sock.store.load().unanswered() == ()


async def test_a_rate_limited_command_waits_retry_after_and_goes_again_with_its_id(
    live_server: LiveServer,
    echo: Starlette,
    session_id: UUID,
    tokens: list[str],
    pool: asyncpg.Pool,
    tmp_path: Path,
) -> None:
    """A client whose bucket holds one token more than the server's is refused
    live_rate_limited; it holds for retry_after_ms and resends the same id: every command
    is applied once and the socket is never closed 4429."""
    services(echo).live.limits = LiveLimits(burst=2, per_second=1.0, close_after_refused=3)
    greedy = Pacer(burst=3, per_second=1.0)
    async with member_socket(tmp_path, session_id, [live_server.url], tokens[0], pacer=greedy) as s:
        seqs = await asyncio.gather(*(say(s, f"m{n}") for n in range(5)))
    assert sorted(seqs) == [1, 2, 3, 4, 5]  # type: ignore[type-var]
    assert s.stats.rate_limited >= 1
    assert len(s.stats.servers) == 1  # never disconnected
    assert len(await stored_events(pool, session_id)) == 5


async def test_a_refused_command_is_an_error_with_the_servers_code(
    live_server: LiveServer, session_id: UUID, tokens: list[str], tmp_path: Path
) -> None:
    """An error frame answers the command by id: its code, and the state records it."""
    async with member_socket(tmp_path, session_id, [live_server.url], tokens[0]) as sock:
        command = sock.store.command("shout:1", "shout", {})
        with pytest.raises(SessionCommandRefused) as refused:
            await sock.call(command)
    assert refused.value.server_code == "echo_rule_broken"
    assert "echo_rule_broken" in refused.value.message
    assert sock.store.load().commands[0].answer == {"error": "echo_rule_broken"}


@pytest.mark.parametrize(
    ("who", "error"),
    [("forged", SessionUnauthenticated), ("outsider", SessionNotParticipant)],
)
async def test_close_codes_4401_and_4403_end_the_client_at_once(
    live_server: LiveServer,
    session_id: UUID,
    pool: asyncpg.Pool,
    client: httpx.AsyncClient,
    tmp_path: Path,
    who: str,
    error: type[Exception],
) -> None:
    """A bad token (4401) or a non-participant (4403): one error, no reconnecting."""
    token = "forged" if who == "forged" else await token_for(pool, client, "outsider1")
    async with member_socket(tmp_path, session_id, [live_server.url], token) as sock:
        with pytest.raises(error):
            await sock.next_event()
    assert sock.stats.servers == []


async def test_close_code_4404_for_an_unknown_session_ends_the_client(
    live_server: LiveServer, tokens: list[str], tmp_path: Path
) -> None:
    """No such live session: 4404 is final."""
    async with member_socket(tmp_path, uuid4(), [live_server.url], tokens[0]) as sock:
        with pytest.raises(SessionNotFound):
            await sock.call(sock.store.command(None, "say", {}))


async def test_a_socket_of_another_kind_is_refused_before_any_command_goes(
    live_server: LiveServer, session_id: UUID, tokens: list[str], tmp_path: Path
) -> None:
    """An evaluation client pointed at an echo session stops at the hello."""
    async with member_socket(
        tmp_path, session_id, [live_server.url], tokens[0], kind="evaluation"
    ) as sock:
        with pytest.raises(SessionKindMismatch):
            await sock.call(sock.store.command(None, "say", {}))
    assert sock.stats.sent == []


async def test_a_server_that_never_answers_is_given_up_with_a_clear_message(
    session_id: UUID, tmp_path: Path
) -> None:
    """Nothing listens: retried with backoff, then SessionUnreachable naming the limit."""
    dead = f"http://127.0.0.1:{free_port()}"
    policy = RetryPolicy(give_up=0.5, open_timeout=1.0)
    sock = member_socket(tmp_path, session_id, [dead], "t", retry=policy)
    async with sock:
        with pytest.raises(SessionUnreachable) as gave_up:
            await sock.next_event()
    assert "gave up after 0.5 s" in gave_up.value.message
    assert "resent next time" in gave_up.value.message


async def test_the_hello_after_is_the_seq_kept_in_the_state(
    live_server: LiveServer, session_id: UUID, tokens: list[str], tmp_path: Path
) -> None:
    """A new run starts from the state's seq: only later events are delivered."""
    async with await connect(live_server, session_id, tokens[1]) as other:
        for n in range(3):
            await other.send(frame(f"o{n}", "say", {"text": str(n)}))
            await receive(other, "ack")
    StateStore(tmp_path / "state", session_id).advance_seq(2)
    async with member_socket(tmp_path, session_id, [live_server.url], tokens[0]) as sock:
        event = await sock.next_event()
    assert (event.seq, event.data) == (3, {"text": "2"})
    assert json.loads(json.dumps(event.raw))["type"] == "event"
