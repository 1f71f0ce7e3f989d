"""wrk for bench/run: make sure it is installed, run it over a page's paths, read its report."""

import os
import re
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from bench_server import die_with_parent

SCRIPT = Path(__file__).resolve().parent / "pages.lua"
THREADS = 2
TIMEOUT = "10s"  # wrk's own default (2 s) would turn a slow page into socket errors instead of a latency
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
DURATION = re.compile(r"^\d+(\.\d+)?[smh]?$")


class WrkError(RuntimeError):
    """wrk is missing, failed, or printed a report bench/run cannot read."""


@dataclass
class WrkResult:
    """What one wrk run measured."""

    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    seconds: float
    socket_errors: int
    non_2xx: int
    not_200: int
    last_bad_status: int

    @property
    def failing(self):
        """Whether no response came, any response was not a 200 or any connection failed."""
        return bool(self.requests == 0 or self.socket_errors or self.non_2xx or self.not_200)

    def as_dict(self):
        """Plain dict for the JSON results."""
        return asdict(self)


def ensure_wrk():
    """The path of wrk; install Debian's package when missing and root (or sudo without a password)."""
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk не найден; ставлю пакет Debian wrk…", file=sys.stderr)
    if os.geteuid() == 0:
        sudo = []
    elif shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode == 0:
        sudo = ["sudo", "-n"]
    else:
        raise WrkError("Без прав root wrk не поставить. Установите его: sudo apt-get install wrk")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)
    found = shutil.which("wrk")
    if not found:
        raise WrkError("apt-get отработал, но wrk так и не появился в PATH")
    return found


def wrk_version(wrk):
    """wrk's version line, e.g. «wrk debian/4.1.0-3+b2 [epoll]»."""
    result = subprocess.run([wrk, "--version"], capture_output=True, text=True)
    return (result.stdout or result.stderr).splitlines()[0].split(" Copyright")[0].strip()


def seconds_of(duration):
    """Seconds in a wrk duration such as 10s, 2m or 30."""
    if not DURATION.match(duration):
        raise WrkError(f"Непонятная длительность {duration!r}: ожидается вроде 10s, 30s, 2m")
    factor = {"s": 1, "m": 60, "h": 3600}.get(duration[-1], 1)
    return float(duration.rstrip("smh")) * factor


def run_wrk(wrk, base_url, paths, headers, duration, connections):
    """Run wrk over the paths (in turn) for the duration; return the parsed WrkResult."""
    command = [wrk, f"-t{min(THREADS, connections)}", f"-c{connections}", f"-d{duration}", "--latency",
               "--timeout", TIMEOUT, "-s", str(SCRIPT)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command += [base_url, "--", *paths]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=seconds_of(duration) + 60,
                                preexec_fn=die_with_parent)
    except subprocess.TimeoutExpired as error:
        raise WrkError(f"wrk не закончил работу вовремя ({duration} + 60 с)") from error
    if result.returncode != 0:
        output = result.stderr.strip() or result.stdout
        raise WrkError(f"wrk завершился с кодом {result.returncode}: {output}")
    return parse_report(result.stdout)


def to_ms(value):
    """Milliseconds in a wrk latency such as 812.00us, 12.34ms or 1.02s."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", value)
    if not match:
        raise WrkError(f"Непонятное значение задержки в отчёте wrk: {value!r}")
    return float(match.group(1)) * UNITS_MS[match.group(2)]


def _number(pattern, text, default=None):
    match = re.search(pattern, text, re.MULTILINE)
    if match is None:
        if default is None:
            raise WrkError(f"В отчёте wrk нет строки, подходящей под {pattern!r}:\n{text}")
        return default
    return match.group(1)


def parse_report(text):
    """Requests/sec, the 50 % and 99 % latencies, errors and non-200 responses of wrk --latency output."""
    total = re.search(r"^\s*(\d+) requests in ([\d.]+\w+),", text, re.MULTILINE)
    if total is None:
        raise WrkError(f"В отчёте wrk нет числа запросов:\n{text}")
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    not_200 = re.search(r"^bench-not-200: (\d+) (\d+)$", text, re.MULTILINE)
    return WrkResult(
        rps=float(_number(r"^Requests/sec:\s+([\d.]+)", text)),
        p50_ms=to_ms(_number(r"^\s+50%\s+(\S+)", text)),
        p99_ms=to_ms(_number(r"^\s+99%\s+(\S+)", text)),
        requests=int(total.group(1)),
        seconds=to_ms(total.group(2)) / 1000,
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
        non_2xx=int(_number(r"^\s*Non-2xx or 3xx responses: (\d+)", text, "0")),
        not_200=int(not_200.group(1)) if not_200 else 0,
        last_bad_status=int(not_200.group(2)) if not_200 else 0,
    )
