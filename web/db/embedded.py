"""A private PostgreSQL cluster in the data directory, for the zero-set-up default.

With no ``DATABASE_URL`` the server runs its own cluster (DESIGN.md, "Embedded
default"): the machine's ``initdb``/``pg_ctl``, listening only on a Unix socket, never
on TCP. The test harness uses the same class for its throwaway clusters, so what the
tests run on is what production runs on.

PostgreSQL refuses to run as root, and containers and CI runners often are root: then
the cluster runs as the unprivileged ``postgres`` system user, on a directory it owns
and can reach (DESIGN.md, "Practical notes"). When the data dir is out of that user's
reach — a clone in root's home, mode 0700 on Debian — the cluster lives under
``/var/lib/etender/<hash of the data dir>`` instead and ``<data dir>/pg`` links to it,
so nobody has to open up a home directory (issue 9, item 21).

Authentication is ``peer`` on the Unix socket, never ``trust`` (issue 9, item 17): the
kernel names the connecting system user, and ``pg_ident.conf`` maps only the user
running etender and the cluster's own user to the superuser and the application role.
Both files are rewritten at every start, so a cluster made by an older version (with
``trust``) is moved over on its next start.
"""

from __future__ import annotations

import dataclasses
import glob
import hashlib
import logging
import os
import pwd
import shutil
import socket
import stat
import subprocess
import time
from pathlib import Path

from web.errors import DatabaseUnavailable, PostgresNotFound

log = logging.getLogger(__name__)

# sockaddr_un.sun_path is 108 bytes including the terminating NUL.
MAX_SOCKET_PATH = 107
SOCKET_NAME = ".s.PGSQL.5432"
SERVER_USER_WHEN_ROOT = "postgres"
SUPERUSER = "postgres"
APP_ROLE = "etender_app"
DATABASE = "etender"
# Where a cluster goes when its data dir is out of the server user's reach (when root).
SHARED_BASE = Path("/var/lib/etender")
IDENT_MAP = "etender"
HBA_CONF = f"""\
# Written by etender (web/db/embedded.py) at every start; edits are overwritten.
# Unix socket only (TCP is never opened); each system user by its peer identity,
# mapped to database roles in pg_ident.conf.
local all all peer map={IDENT_MAP}
"""


def find_bindir() -> Path:
    """Where ``initdb``, ``pg_ctl`` and ``postgres`` live: PATH, pg_config, or Debian's layout."""
    candidates: list[Path] = []
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run(  # noqa: S603 - fixed argv, no shell
            [pg_config, "--bindir"], capture_output=True, text=True, check=False
        )
        if out.returncode == 0 and out.stdout.strip():
            candidates.append(Path(out.stdout.strip()))
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    candidates.extend(Path(p) for p in versions)
    for bindir in candidates:
        if all((bindir / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres")):
            return bindir
    raise PostgresNotFound(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found: install them "
        "(Debian: apt-get install postgresql) or set DATABASE_URL to an existing server."
    )


def _is_zombie_or_gone(pid: int) -> bool:
    """True when ``pid`` no longer runs (a zombie counts: nobody reaped it)."""
    try:
        stat_line = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    # The state follows the parenthesised command name, which may contain spaces.
    return stat_line.rsplit(")", 1)[1].split()[0] in ("Z", "X")


def _server_user() -> str | None:
    """The system user the cluster runs as: None means ourselves (root cannot)."""
    return SERVER_USER_WHEN_ROOT if os.geteuid() == 0 else None


def _user_name(uid: int) -> str:
    """The system user name peer authentication will see for ``uid``."""
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        raise DatabaseUnavailable(
            f"user id {uid} has no name in the password database, so PostgreSQL's peer "
            "authentication cannot name it: add it, or set DATABASE_URL"
        ) from None


def _reachable(path: Path) -> bool:
    """Whether any user may search every existing directory down to ``path`` (o+x)."""
    for parent in (path, *path.parents):
        try:
            mode = parent.stat().st_mode
        except FileNotFoundError:
            continue  # made later with the default mode, searchable
        if not mode & stat.S_IXOTH:
            return False
    return True


def _version_key(path: str) -> int:
    digits = Path(path).parent.name.split(".")[0]
    return int(digits) if digits.isdigit() else 0


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class EmbeddedPostgres:
    """One private cluster: ``<root>/data`` holds the cluster, ``socket_dir`` its socket."""

    root: Path
    fsync: bool = True
    # A link to ``root`` made at initialisation (``<data dir>/pg`` when root is elsewhere).
    link: Path | None = None

    @classmethod
    def in_data_dir(
        cls, data_dir: Path, *, fsync: bool = True, shared_base: Path = SHARED_BASE
    ) -> EmbeddedPostgres:
        """The cluster of an etender data directory: ``<data dir>/pg``, or where that links.

        A new cluster whose data dir the server user cannot reach goes to
        ``<shared_base>/<hash of the data dir>``, with ``<data dir>/pg`` linking to it.
        """
        here = data_dir.absolute() / "pg"
        if here.is_symlink():
            return cls(root=here.resolve(), fsync=fsync)
        user = _server_user()
        if here.exists() or user is None or _reachable(here.parent):
            return cls(root=here, fsync=fsync)
        digest = hashlib.sha256(str(here.parent).encode()).hexdigest()[:16]
        return cls(root=shared_base / digest, fsync=fsync, link=here)

    # --- paths --------------------------------------------------------------------

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def logfile(self) -> Path:
        return self.root / "postgres.log"

    @property
    def socket_dir(self) -> Path:
        """Inside the data dir when the path is short enough, else a short path in /tmp."""
        inside = self.root / "sock"
        if len(str(inside / SOCKET_NAME).encode()) <= MAX_SOCKET_PATH:
            return inside
        digest = hashlib.sha256(str(self.root).encode()).hexdigest()[:16]
        return Path("/tmp") / f"etender-{digest}"  # noqa: S108 - short path, mode 0700

    def dsn(self, *, user: str = APP_ROLE, database: str = DATABASE) -> str:
        """A libpq URL for the cluster's Unix socket."""
        return f"postgresql:///{database}?host={self.socket_dir}&user={user}"

    # --- lifecycle ----------------------------------------------------------------

    def is_initialised(self) -> bool:
        return (self.data / "PG_VERSION").is_file()

    def initialise(self) -> None:
        """Create the cluster on first run (idempotent)."""
        if self.is_initialised():
            return
        if self.link is not None:  # the shared base: root-owned, searchable by the server
            self.root.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
        self.root.mkdir(parents=True, exist_ok=True)
        self.data.mkdir(mode=0o700, exist_ok=True)
        self._hand_over(self.root)
        self._hand_over(self.data)
        self._run(
            "initdb",
            "-D", str(self.data),
            "-U", SUPERUSER,
            "--auth-local=peer",
            "--auth-host=reject",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )  # fmt: skip
        if self.link is not None and not self.link.is_symlink():
            self.link.parent.mkdir(parents=True, exist_ok=True)
            self.link.symlink_to(self.root, target_is_directory=True)
        log.info("db.initialised", extra={"path": str(self.data)})

    def status(self) -> bool:
        """Whether a postmaster is running on this cluster (ours or one left by a crash)."""
        if not self.is_initialised():
            return False
        result = self._run("pg_ctl", "status", "-D", str(self.data), check=False)
        return result.returncode == 0

    def start(self) -> None:
        """Start the cluster, or adopt a postmaster a crashed server left running."""
        self.initialise()
        changed = self._write_auth_files()
        if self.status():
            if self._accepts_connections():
                if changed:  # a postmaster of an older version: peer from now on
                    self._run("pg_ctl", "reload", "-D", str(self.data))
                log.info("db.adopted", extra={"path": str(self.data)})
                return
            self._clear_dead_postmaster()
        self._prepare_socket_dir()
        options = (
            f"-c listen_addresses='' -c unix_socket_directories='{self.socket_dir}' "
            f"-c unix_socket_permissions=0700 -c fsync={'on' if self.fsync else 'off'} "
            f"-c synchronous_commit={'on' if self.fsync else 'off'} "
            f"-c full_page_writes={'on' if self.fsync else 'off'}"
        )
        # pg_ctl removes a stale postmaster.pid itself when its PID is gone. setsid keeps
        # the postmaster out of our process group, so a Ctrl-C reaches only the server,
        # which then stops the database in order.
        result = self._run(
            "pg_ctl", "start", "-w", "-t", "60",
            "-D", str(self.data), "-l", str(self.logfile), "-o", options,
            check=False, setsid=True,
        )  # fmt: skip
        if result.returncode != 0:
            tail = self._log_tail()
            raise DatabaseUnavailable(f"PostgreSQL did not start: {result.stderr.strip()}\n{tail}")
        log.info("db.started", extra={"socket": str(self.socket_dir)})

    def stop(self) -> None:
        """Stop the cluster (fast shutdown: sessions end, committed data is safe)."""
        if not self.status():
            return
        self._run("pg_ctl", "stop", "-w", "-m", "fast", "-D", str(self.data), check=False)
        log.info("db.stopped", extra={"path": str(self.data)})

    def destroy(self) -> None:
        """Stop and delete the cluster (test harness only)."""
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
        if self.link is not None and self.link.is_symlink():
            self.link.unlink()
        if not str(self.socket_dir).startswith(str(self.root)):
            shutil.rmtree(self.socket_dir, ignore_errors=True)

    # --- helpers ------------------------------------------------------------------

    def _accepts_connections(self, timeout: float = 5.0) -> bool:
        """Whether something listens on the cluster's socket (a live postmaster)."""
        path = str(self.socket_dir / SOCKET_NAME)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(1.0)
                try:
                    sock.connect(path)
                    return True
                except OSError:
                    time.sleep(0.2)
        return False

    def _clear_dead_postmaster(self) -> None:
        """A crash left a postmaster.pid whose process is a zombie or hangs: clear it."""
        pidfile = self.data / "postmaster.pid"
        try:
            pid = int(pidfile.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return
        if _is_zombie_or_gone(pid):
            log.warning("db.stale_pid_removed", extra={"pid": pid})
            pidfile.unlink(missing_ok=True)
            return
        log.warning("db.unresponsive_postmaster_stopped", extra={"pid": pid})
        self._run("pg_ctl", "stop", "-w", "-m", "immediate", "-D", str(self.data), check=False)

    def _server_user(self) -> str | None:
        return _server_user()

    def ident_map(self) -> str:
        """pg_ident.conf: who runs etender and the cluster's own user, as the two roles."""
        users = [_user_name(os.geteuid())]
        if (server := self._server_user()) is not None and server not in users:
            users.append(server)
        lines = [f"{IDENT_MAP} {user} {role}" for user in users for role in (SUPERUSER, APP_ROLE)]
        return (
            "# Written by etender (web/db/embedded.py) at every start.\n" + "\n".join(lines) + "\n"
        )

    def _write_auth_files(self) -> bool:
        """Peer authentication with our map (issue 9, item 17); True if a file changed."""
        changed = False
        for name, text in (("pg_hba.conf", HBA_CONF), ("pg_ident.conf", self.ident_map())):
            path = self.data / name
            if path.exists() and path.read_text(encoding="utf-8") == text:
                continue
            path.write_text(text, encoding="utf-8")
            path.chmod(0o600)
            if (user := self._server_user()) is not None:
                entry = pwd.getpwnam(user)
                os.chown(path, entry.pw_uid, entry.pw_gid)
            changed = True
        return changed

    def _hand_over(self, path: Path) -> None:
        user = self._server_user()
        if user is None:
            return
        try:
            entry = pwd.getpwnam(user)
        except KeyError:
            raise PostgresNotFound(
                f"running as root, PostgreSQL needs the unprivileged '{user}' system user; "
                "install the postgresql package or run etender as another user"
            ) from None
        os.chown(path, entry.pw_uid, entry.pw_gid)
        self._check_reachable(path, user)

    def _check_reachable(self, path: Path, user: str) -> None:
        for parent in path.absolute().parents:
            mode = parent.stat().st_mode
            if not mode & stat.S_IXOTH:
                raise DatabaseUnavailable(
                    f"the '{user}' user cannot reach {path}: {parent} is not searchable by "
                    f"others (chmod o+x {parent}, or set ETENDER_DATA_DIR elsewhere)"
                )

    def _prepare_socket_dir(self) -> None:
        self.socket_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.socket_dir, 0o700)
        self._hand_over(self.socket_dir)

    def _run(
        self, tool: str, *args: str, check: bool = True, setsid: bool = False
    ) -> subprocess.CompletedProcess[str]:
        argv = [str(find_bindir() / tool), *args]
        user = self._server_user()
        if user is not None:
            argv = ["runuser", "-u", user, "--", *argv]
        if setsid:
            argv = ["setsid", *argv]
        result = subprocess.run(  # noqa: S603 - argv built from fixed tool names
            argv,
            capture_output=True,
            text=True,
            check=False,
            cwd="/",
            stdin=subprocess.DEVNULL,
        )
        if check and result.returncode != 0:
            raise DatabaseUnavailable(f"{tool} failed: {result.stderr.strip()}")
        return result

    def _log_tail(self) -> str:
        try:
            return "\n".join(self.logfile.read_text(errors="replace").splitlines()[-10:])
        except OSError:
            return ""
