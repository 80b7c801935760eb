"""Several dashboard processes behind HAProxy on one machine: ``python -m deploy.cluster``.

``./dev serve --processes 4 --port 8080`` runs this. Each process is the dashboard as ``./dev start``
runs it (``ui.serve``: its code loaded before the first viewer), with the production settings of
``streamlit_options``, on its own loopback port; HAProxy (``deploy/haproxy.cfg``) listens on the one
public port, pins each viewer to a process with a cookie, passes the websocket upgrade, checks every
process's ``/_stcore/health`` and sends the viewers of a dead process to a live one. Everything is
stopped by its process id when this program ends (Ctrl-C or SIGTERM).

Why several processes: one Streamlit process runs its scripts on one core (one interpreter), so a
link that spreads queues every viewer's run behind the others'. Why loopback ports rather than unix
sockets: HAProxy checks and the tests reach a port the same way a browser does, and a container or a
Kubernetes pod exposes a port too (deploy/k8s, deploy/compose.yaml use the same one).
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

ROOT = Path(__file__).resolve().parents[1]
DASHBOARD = ROOT / "dashboard.py"
TEMPLATE = Path(__file__).with_name("haproxy.cfg")

HEALTH_PATH = "/_stcore/health"
# The cookie HAProxy inserts to pin a viewer to a process; its value names the process (p1, p2, ...).
AFFINITY_COOKIE = "STREAMLIT_PROCESS"
# Each process's port inside a container or pod (deploy/Dockerfile, compose.yaml, k8s/).
CONTAINER_PORT = 8501
# All of a process's st.cache_data entries together (serialized bytes; Streamlit evicts the least
# recently used past it). One model run is about 55 kB, so this holds thousands of scenarios; the
# price frames and calibration tables fit beside them.
CACHE_DATA_LIMIT = "256mb"
STARTUP_TIMEOUT_SECONDS = 90.0
HEALTH_CHECK_INTERVAL_MS = 1000
MAX_CONNECTIONS = 4096


def streamlit_options(port: int, address: str = "127.0.0.1") -> list[str]:
    """The production settings of one process, as ``streamlit run`` flags.

    The cookie secret is not among them: it goes in the environment (``process_env``), so that it
    does not show in the process list."""
    return [
        "--server.headless", "true",
        "--server.address", address,
        "--server.port", str(port),
        # No file watching: a production tree does not change, and watching costs a thread per process.
        "--server.fileWatcherType", "none",
        "--server.runOnSave", "false",
        "--server.maxCacheDataSize", CACHE_DATA_LIMIT,
        "--browser.gatherUsageStats", "false",
    ]


def container_command() -> list[str]:
    """A container's command (deploy/Dockerfile): one process with the same settings, on all addresses."""
    return ["python", "-m", "ui.serve", *streamlit_options(CONTAINER_PORT, "0.0.0.0")]


def process_env(cookie_secret: str, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of every process: the same cookie secret (Streamlit signs its cookies with it,
    so a cookie set by one process is good on another after a failover)."""
    env = dict(os.environ if base is None else base)
    env["STREAMLIT_SERVER_COOKIE_SECRET"] = cookie_secret
    env["PYTHONUNBUFFERED"] = "1"
    return env


def haproxy_config(backend_ports: list[int], port: int, *, affinity: bool = True,
                   bind_address: str = "127.0.0.1", static_cache: bool = True) -> str:
    """deploy/haproxy.cfg for processes on ``backend_ports``, listening on ``port``.

    Without ``affinity`` (the tests' counter-example only) requests go round robin, one by one.
    Without ``static_cache`` (the load benchmark's comparison only) every static file reaches a process."""
    servers = "\n".join(
        f"    server p{number} 127.0.0.1:{backend_port}" + (f" cookie p{number}" if affinity else "")
        for number, backend_port in enumerate(backend_ports, start=1)
    )
    template = TEMPLATE.read_text()
    if not static_cache:
        template = _without_static_cache(template)
    return Template(template).substitute(
        bind_address=bind_address,
        port=port,
        # A new viewer goes to the process holding the fewest open connections (websockets last).
        balance="leastconn" if affinity else "roundrobin",
        cookie_line=(f"cookie {AFFINITY_COOKIE} insert indirect nocache httponly" if affinity
                     else "# no affinity: every request may reach any process"),
        check_interval_ms=HEALTH_CHECK_INTERVAL_MS,
        max_connections=MAX_CONNECTIONS,
        servers=servers,
    )


def _without_static_cache(template: str) -> str:
    """The template without its cache section (up to the blank line after it) and the rules using it."""
    kept, in_section = [], False
    for line in template.splitlines():
        if line.startswith("cache static_files"):
            in_section = True
        elif in_section and not line.strip():
            in_section = False
        elif not in_section and "txn.static" not in line:
            kept.append(line)
    return "\n".join(kept) + "\n"


def haproxy_binary() -> str:
    found = shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None)
    if found is None:
        raise RuntimeError("haproxy not found. Run ./dev serve or ./dev test (they install it), "
                           "or: sudo apt-get install haproxy")
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def default_processes() -> int:
    """One process per core: a process runs its scripts on one core at a time."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


# -- the proxy's log -----------------------------------------------------------------------------------

LOG_LINE = re.compile(r'status=(?P<status>-?\d+) backend=(?P<backend>\S+) server=(?P<server>\S+) '
                      r'time_ms=(?P<time_ms>-?\d+) request="(?P<request>[^"]*)"')


@dataclass(frozen=True)
class Request:
    """One request as HAProxy logged it (a websocket is logged when it closes, with status 101)."""

    status: int
    server: str  # p1, p2, ... or <NOSRV>
    time_ms: int
    request: str  # "GET /path HTTP/1.1"

    @property
    def path(self) -> str:
        parts = self.request.split(" ")
        return parts[1] if len(parts) > 1 else self.request


def parse_log(text: str) -> list[Request]:
    return [Request(int(m["status"]), m["server"], int(m["time_ms"]), m["request"])
            for m in LOG_LINE.finditer(text)]


# -- running it -----------------------------------------------------------------------------------------


@dataclass
class Process:
    name: str  # p1, p2, ...: also its affinity cookie's value
    port: int
    popen: subprocess.Popen
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None


@dataclass
class Cluster:
    """N dashboard processes and HAProxy in front of them; a context manager that stops them all.

    ``script`` is the app to serve (the dashboard by default; the load benchmark also serves its
    one-slider floor this way); ``env`` the processes' base environment (the tests switch the price
    feed off there)."""

    processes: int = field(default_factory=default_processes)
    port: int = 0  # 0: a free loopback port
    affinity: bool = True
    static_cache: bool = True
    script: Path = DASHBOARD
    env: dict[str, str] | None = None
    bind_address: str = "127.0.0.1"
    work_dir: Path | None = None
    members: list[Process] = field(default_factory=list)
    proxy: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def proxy_log(self) -> Path:
        assert self.work_dir is not None, "not started"
        return self.work_dir / "haproxy.log"

    def requests(self) -> list[Request]:
        """Every request the proxy has logged so far."""
        try:
            return parse_log(self.proxy_log.read_text(errors="replace"))
        except OSError:
            return []

    def member(self, name: str) -> Process:
        return next(process for process in self.members if process.name == name)

    def start(self) -> Cluster:
        self.work_dir = self.work_dir or Path(tempfile.mkdtemp(prefix="dashboard-cluster-"))
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        secret = (self.env or os.environ).get("STREAMLIT_SERVER_COOKIE_SECRET") or secrets.token_urlsafe(32)
        env = process_env(secret, self.env)
        launcher = (["-m", "ui.serve"] if self.script.resolve() == DASHBOARD
                    else ["-m", "streamlit", "run", str(self.script)])
        try:
            for number in range(1, self.processes + 1):
                port = free_port()
                log_path = self.work_dir / f"p{number}.log"
                with open(log_path, "w") as log:
                    popen = subprocess.Popen(
                        [sys.executable, *launcher, *streamlit_options(port)],
                        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                    )
                self.members.append(Process(f"p{number}", port, popen, log_path))
            for process in self.members:
                _wait_healthy(process.url, process)
            config = self.work_dir / "haproxy.cfg"
            config.write_text(haproxy_config([p.port for p in self.members], self.port,
                                             affinity=self.affinity, bind_address=self.bind_address,
                                             static_cache=self.static_cache))
            haproxy = haproxy_binary()
            subprocess.run([haproxy, "-c", "-q", "-f", str(config)], check=True)
            with open(self.proxy_log, "w") as log:
                # -db: in the foreground, so that this program holds its process id and stops it.
                self.proxy = subprocess.Popen([haproxy, "-db", "-f", str(config)], stdout=log,
                                              stderr=subprocess.STDOUT, start_new_session=True)
            _wait_healthy(self.url, None, proxy=self.proxy)
        except BaseException:
            self.stop()
            raise
        return self

    def kill(self, name: str) -> None:
        """Kill one process at once (SIGKILL), as a crash or an out-of-memory kill would."""
        process = self.member(name)
        _signal_group(process.popen, signal.SIGKILL)
        process.popen.wait(timeout=10)

    def stop(self) -> None:
        for popen in [self.proxy, *(process.popen for process in self.members)]:
            if popen is not None:
                _stop(popen)

    def cpu_seconds(self) -> dict[str, float]:
        """User plus system CPU time each live process has used (/proc/<pid>/stat), by name."""
        return {p.name: cpu_seconds(p.pid) for p in self.members if p.alive()}

    def rss_bytes(self) -> dict[str, int]:
        return {p.name: rss_bytes(p.pid) for p in self.members if p.alive()}

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def cpu_seconds(pid: int) -> float:
    # Fields 14 and 15 of /proc/<pid>/stat, after the command name in parentheses.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def _wait_healthy(url: str, process: Process | None, proxy: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    health = url.rstrip("/") + HEALTH_PATH
    while time.monotonic() < deadline:
        popen = process.popen if process is not None else proxy
        if popen is not None and popen.poll() is not None:
            log = process.log_path.read_text(errors="replace")[-3000:] if process else ""
            raise RuntimeError(f"{health}: the process exited with code {popen.returncode}\n{log}")
        try:
            with urllib.request.urlopen(health, timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{health} did not answer within {STARTUP_TIMEOUT_SECONDS:.0f} s")


def _signal_group(popen: subprocess.Popen, number: int) -> None:
    # Each process was started in its own session: its group id is its process id, and the group
    # holds only what it started itself.
    try:
        os.killpg(popen.pid, number)
    except ProcessLookupError:
        pass


def _stop(popen: subprocess.Popen) -> None:
    if popen.poll() is not None:
        return
    _signal_group(popen, signal.SIGTERM)
    try:
        popen.wait(timeout=10)
    except subprocess.TimeoutExpired:
        _signal_group(popen, signal.SIGKILL)
        popen.wait(timeout=10)


def main(arguments: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="./dev serve", description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=default_processes(),
                        help="dashboard processes (default: one per core, here %(default)s)")
    parser.add_argument("--port", type=int, default=8080, help="the proxy's port (default %(default)s)")
    parser.add_argument("--bind", default="127.0.0.1",
                        help="the proxy's address (default %(default)s; 0.0.0.0 to serve other machines)")
    options = parser.parse_args(arguments)
    if options.processes < 1:
        parser.error("--processes must be at least 1")

    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    cluster = Cluster(processes=options.processes, port=options.port, bind_address=options.bind)
    with cluster:
        pids = ", ".join(f"{p.name} pid {p.pid} port {p.port}" for p in cluster.members)
        print(f"Serving the dashboard on http://{options.bind}:{cluster.port}/ "
              f"({options.processes} processes: {pids}; HAProxy pid {cluster.proxy.pid}).")
        print(f"Logs in {cluster.work_dir}. Ctrl-C stops everything.", flush=True)
        reported: set[str] = set()
        try:
            while not stopping:
                for process in cluster.members:
                    if not process.alive() and process.name not in reported:
                        print(f"{process.name} (pid {process.pid}) exited with code {process.popen.returncode};"
                              " its viewers moved to the others.", file=sys.stderr, flush=True)
                        reported.add(process.name)
                if cluster.proxy.poll() is not None:
                    print("HAProxy exited; stopping.", file=sys.stderr)
                    return 1
                time.sleep(1)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
