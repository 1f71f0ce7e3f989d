"""A gunicorn server for bench/run: started as a subprocess, awaited, measured and always stopped."""

import contextlib
import ctypes
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION_CONFIG = ROOT / "app" / "gunicorn_config.py"  # the settings production serves the portal with
START_TIMEOUT = 120.0  # seconds: four workers importing the portal on two busy cores
IDLE_TICKS = 5  # CPU clock ticks a worker may spend in half a second and still count as booted
STOP_TIMEOUT = 20.0
DRAIN_TIMEOUT = 120.0  # seconds to wait for requests a finished wrk run left queued
PR_SET_PDEATHSIG = 1


class ServerError(RuntimeError):
    """gunicorn did not start or did not answer; the message carries the tail of its log."""


def free_port():
    """A TCP port nobody listens on at the moment."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn_config_args():
    """`--config` of the portal's production settings when the tree has them, else nothing."""
    return ["--config", "python:app.gunicorn_config"] if PRODUCTION_CONFIG.is_file() else []


def no_control_socket_args():
    """gunicorn 24+ opens a control socket at one fixed path per user: off, so servers never share it."""
    from gunicorn.config import KNOWN_SETTINGS

    return ["--no-control-socket"] if any(s.name == "control_socket_disable" for s in KNOWN_SETTINGS) else []


def die_with_parent():
    """In the child before exec: SIGTERM when bench/run dies, even by SIGKILL (Linux prctl)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Gunicorn:
    """`gunicorn --workers N --worker-class sync --bind 127.0.0.1:PORT APP` as a context manager."""

    def __init__(self, app_spec, env, log_path, workers=4, port=None, pythonpath=None):
        self.app_spec, self.env, self.log_path = app_spec, env, Path(log_path)
        self.workers, self.port, self.pythonpath = workers, port or free_port(), pythonpath
        self.process = None

    @property
    def base_url(self):
        """http://127.0.0.1:PORT"""
        return f"http://127.0.0.1:{self.port}"

    def command(self):
        """The gunicorn command line (the same for the portal and the ceiling)."""
        command = [sys.executable, "-m", "gunicorn", *gunicorn_config_args(), *no_control_socket_args(),
                   "--workers", str(self.workers),
                   "--worker-class", "sync", "--bind", f"127.0.0.1:{self.port}", "--chdir", str(ROOT),
                   "--error-logfile", "-"]
        if self.pythonpath:
            command += ["--pythonpath", str(self.pythonpath)]
        return [*command, self.app_spec]

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *_exc):
        self.stop()

    def start(self):
        """Start the master in its own session (Ctrl+C reaches bench/run, which stops it) and await it."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(self.command(), env=self.env, cwd=ROOT, stdout=log,
                                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                            start_new_session=True, preexec_fn=die_with_parent)
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise

    def wait_ready(self, path="/"):
        """Until the port answers and every worker has finished loading the app (its CPU clock is idle)."""
        deadline = time.monotonic() + START_TIMEOUT
        while not self._answers(path):
            self._check_alive(deadline)
            time.sleep(0.2)
        while not self._workers_idle():
            self._check_alive(deadline)

    def wait_idle(self):
        """Until the workers are idle: wrk stops, but the requests it left queued are still served."""
        deadline = time.monotonic() + DRAIN_TIMEOUT
        while not self._workers_idle():
            self._check_alive(None)
            if time.monotonic() > deadline:
                print(f"Воркеры заняты дольше {DRAIN_TIMEOUT:.0f} с; продолжаю", file=sys.stderr)
                return

    def _check_alive(self, deadline):
        if self.process.poll() is not None:
            raise ServerError(f"gunicorn завершился с кодом {self.process.returncode}.\n{self.log_tail()}")
        if deadline is not None and time.monotonic() > deadline:
            raise ServerError(f"gunicorn не ответил за {START_TIMEOUT:.0f} с.\n{self.log_tail()}")

    def _answers(self, path):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path)
            return connection.getresponse().status < 500
        except OSError:
            return False
        finally:
            connection.close()

    def _workers_idle(self):
        pids = self.worker_pids()
        before = {pid: cpu_ticks(pid) for pid in pids}
        time.sleep(0.5)
        after = {pid: cpu_ticks(pid) for pid in self.worker_pids()}
        return len(after) >= self.workers and all(
            pid in before and after[pid] - before[pid] <= IDLE_TICKS for pid in after)

    def worker_pids(self):
        """The pids of the master's children (its workers)."""
        return children(self.process.pid) if self.process and self.process.poll() is None else []

    def workers_cpu_seconds(self):
        """CPU time (user + system) the current workers have used so far, in seconds."""
        return sum(cpu_ticks(pid) for pid in self.worker_pids()) / os.sysconf("SC_CLK_TCK")

    def memory(self):
        """VmHWM, VmRSS and Pss (kB) of the master and of each worker, and the workers' sums."""
        workers = [proc_memory(pid) | {"pid": pid} for pid in self.worker_pids()]
        return {"master": proc_memory(self.process.pid) | {"pid": self.process.pid}, "workers": workers,
                "workers_peak_kb": sum(worker["VmHWM"] for worker in workers),
                "workers_rss_kb": sum(worker["VmRSS"] for worker in workers),
                "workers_pss_kb": sum(worker["Pss"] for worker in workers)}

    def stop(self):
        """SIGTERM to the master (a graceful stop of the workers), SIGKILL to the group if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def log_tail(self, lines=40):
        """The last lines of gunicorn's log, to print on failure."""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return f"(журнал {self.log_path} не прочитан)"
        tail = "\n".join(text.splitlines()[-lines:])
        return f"--- последние строки {self.log_path} ---\n{tail}\n---"


def children(pid):
    """Child pids of a process, from /proc (every thread's children list, or the parent field of each)."""
    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found.update(int(child) for child in (task / "children").read_text().split())
        except OSError:
            return _children_by_scan(pid)
    return sorted(found)


def _children_by_scan(pid):
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)


def cpu_ticks(pid):
    """User plus system CPU time of a process, in clock ticks (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def proc_memory(pid):
    """VmHWM (peak resident), VmRSS (resident now) and Pss (resident, shared pages split among their
    users) of a process, in kB."""
    values = {"VmHWM": 0, "VmRSS": 0, "Pss": 0}
    for source in (f"/proc/{pid}/status", f"/proc/{pid}/smaps_rollup"):
        try:
            lines = Path(source).read_text().splitlines()
        except OSError:
            continue
        for line in lines:
            name, _colon, rest = line.partition(":")
            if name in values:
                values[name] = int(rest.split()[0])
    return values
