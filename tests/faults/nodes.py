"""`etender serve` nodes run under a fault of the operating system (docs/faults.md):
tests/evaluation/servers.py's Node, started through a wrapper command.

- :func:`small_disk`: the node sees its blob store on a tmpfs of a few MiB, mounted in a
  mount namespace of its own (``unshare --mount``; not root: ``--map-root-user`` too,
  no privilege needed where user namespaces are allowed, as on Debian). The test reaches that
  file system through ``/proc/<pid>/root`` to fill it and to free it again.
- :func:`skewed_clock`: the node's wall clock runs minutes off (libfaketime, Debian's
  ``faketime`` package, preloaded; its monotonic clock is left true, so timers and the
  event loop run normally — only what the node *reads* as the time is off).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from tests.evaluation.servers import ROOT, Node

FAKETIME_LIBRARY = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1")


class WrappedNode(Node):
    """A node whose process starts as ``prefix + [python, -m, web.cli.main, serve]``."""

    def __init__(self, node: Node, prefix: Sequence[str], env: Mapping[str, str] = {}) -> None:
        super().__init__(node.index, node.data_dir, {**node._env, **env})
        self.port = node.port
        self.prefix = list(prefix)

    async def start(self) -> None:
        if self.running:
            raise AssertionError(f"node {self.index} is already running")
        env = {**os.environ, **self._env, "ETENDER_PORT": str(self.port)}
        with self.log_path.open("ab") as log:
            log.write(f"--- node {self.index} starting on port {self.port}\n".encode())
            log.flush()
            self.proc = subprocess.Popen(
                [*self.prefix, sys.executable, "-m", "web.cli.main", "serve"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        await self._wait_ready()

    def inside(self, path: Path) -> Path:
        """``path`` as the node's mount namespace sees it."""
        return Path(f"/proc/{self.pid}/root") / path.resolve().relative_to("/")


def small_disk(node: Node, mount_on: Path, size: str) -> WrappedNode:
    """``node`` with a tmpfs of ``size`` mounted over ``mount_on`` (its own namespace)."""
    script = 'mount -t tmpfs -o "size=$1" etender-faults "$2" && shift 2 && exec "$@"'
    # Root (CI) needs no user namespace, and must not take one: the cluster's socket
    # belongs to the postgres user, whom a namespace mapping only root could not reach.
    user = [] if os.geteuid() == 0 else ["--map-root-user"]
    prefix = ["unshare", *user, "--mount", "sh", "-c", script, "sh", size,
              str(mount_on.resolve())]  # fmt: skip
    return WrappedNode(node, prefix)


def skewed_clock(node: Node, offset: str) -> WrappedNode:
    """``node`` whose wall clock reads ``offset`` off (libfaketime: ``-10m``, ``+10m``)."""
    env = {
        "LD_PRELOAD": str(FAKETIME_LIBRARY),
        "FAKETIME": offset,
        "FAKETIME_DONT_FAKE_MONOTONIC": "1",
        "FAKETIME_DONT_RESET": "1",
    }
    return WrappedNode(node, [], env)
