"""A real PostgreSQL for the network's tests: Debian's binaries, one cluster per test process (xdist worker), on
a Unix socket in a temporary folder, run as `nobody` when the tests run as root (PostgreSQL refuses root). Each
test gets a new database of its own (`CREATE DATABASE`), dropped afterwards."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path


def binaries() -> Path | None:
    """The folder of initdb and pg_ctl (the newest version installed), None without PostgreSQL."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", "nobody", "--", *command] if os.geteuid() == 0 else command


@dataclass
class PostgresCluster:
    root: Path
    socket_dir: Path
    port: int
    user: str

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@/{database}?host={self.socket_dir}&port={self.port}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(host=str(self.socket_dir), port=self.port, user=self.user, dbname="postgres",
                             autocommit=True) as connection:
            connection.execute(sql)

    def create_database(self) -> str:
        """A new empty database; its SQLAlchemy URL."""
        name = "t_" + uuid.uuid4().hex[:12]
        self._admin(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.split("/")[3].split("?")[0]
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        subprocess.run(_as_owner([str(binaries() / "pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate",
                                  "stop"]), capture_output=True, check=False, timeout=60)
        shutil.rmtree(self.root, ignore_errors=True)


def start_cluster() -> PostgresCluster:
    """initdb + pg_ctl start, listening on a Unix socket only (no TCP port is opened)."""
    bin_dir = binaries()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL absent : apt-get install postgresql (voir le README, « Paquets système »)")
    root = Path(tempfile.mkdtemp(prefix="cocon-pg-"))
    os.chmod(root, 0o755)
    data, socket_dir, log = root / "data", root / "socket", root / "postgres.log"
    socket_dir.mkdir()
    user = "nobody" if os.geteuid() == 0 else os.environ.get("USER") or "postgres"
    if os.geteuid() == 0:
        shutil.chown(root, "nobody")
        shutil.chown(socket_dir, "nobody")
    subprocess.run(_as_owner([str(bin_dir / "initdb"), "-D", str(data), "-U", user, "--auth=trust",
                              "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"]),
                   capture_output=True, check=True, timeout=120)
    port = 5432 + (os.getpid() % 1000) + 1  # only names the socket file: listen_addresses is empty
    options = f"-k {socket_dir} -p {port} -c listen_addresses='' -c fsync=off -c max_connections=200"
    subprocess.run(_as_owner([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-o", options,
                              "start"]), capture_output=True, check=True, timeout=120)
    return PostgresCluster(root=root, socket_dir=socket_dir, port=port, user=user)
