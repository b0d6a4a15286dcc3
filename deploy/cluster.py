"""`make cluster N=3`: the deployment of deploy/ on this machine, to try it before a real one.

Starts N app processes (serve.py, as systemd would) on PostgreSQL and Debian's nginx in front
of them with deploy/nginx.conf (plain http, only ports and paths changed), prints the address,
and stops everything on Ctrl-C. DATABASE_URL must name a PostgreSQL database (several
processes share it); the data folder is shared as in a real deployment.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/cxc make cluster N=3
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy import nginx_config  # noqa: E402  (after the path: run as a script from anywhere)

NGINX = "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_answers(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    """Poll `url` until it answers 200; fail with the log's tail if the process exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)  # polling a health endpoint: the wait ends as soon as it answers
    raise RuntimeError(f"{url} did not answer in {timeout}s:\n{log.read_text()[-3000:]}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def running_app(log: Path, env: dict[str, str], port: int) -> Iterator[subprocess.Popen]:
    """One app process (serve.py, as `make run` and systemd start it) until the block ends."""
    with log.open("w") as handle:
        process = subprocess.Popen(
            [
                sys.executable,
                "serve.py",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
            ],
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_answers(f"http://127.0.0.1:{port}/_stcore/health", process, log)
        yield process
    finally:
        _stop(process)


@contextmanager
def running_nginx(
    folder: Path, *, app_ports: list[int], listen_port: int, tls: tuple[Path, Path] | None = None
) -> Iterator[subprocess.Popen]:
    """Debian's nginx with deploy/nginx.conf, as this user, with every file inside `folder`."""
    if not Path(NGINX).exists():
        raise RuntimeError(f"{NGINX} is missing: `make test` installs it (apt-get install nginx-light)")
    config = nginx_config.write(folder, app_ports=app_ports, listen_port=listen_port, tls=tls)
    check = subprocess.run([NGINX, "-t", "-q", "-c", str(config), "-p", str(folder)], capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError(f"nginx refuses the configuration:\n{check.stderr}")
    log = folder / "nginx.out"
    with log.open("w") as handle:
        process = subprocess.Popen(
            [NGINX, "-c", str(config), "-p", str(folder)], stdout=handle, stderr=subprocess.STDOUT
        )
    try:
        scheme = "https" if tls else "http"
        if tls is None:
            wait_until_answers(f"{scheme}://127.0.0.1:{listen_port}/healthz", process, folder / "error.log")
        else:
            import ssl

            context = ssl.create_default_context(cafile=str(tls[0]))
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"https://127.0.0.1:{listen_port}/healthz", timeout=2, context=context):
                        break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError((folder / "error.log").read_text()[-3000:]) from None
                    time.sleep(0.2)  # polling until nginx listens
        yield process
    finally:
        _stop(process)


def self_signed_certificate(folder: Path, host: str = "127.0.0.1") -> tuple[Path, Path]:
    """A one-day certificate for `host` (OpenSSL), for trying TLS locally."""
    certificate, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(certificate),
            "-days",
            "1",
            "-subj",
            f"/CN={host}",
            "-addext",
            f"subjectAltName=IP:{host}",
        ],
        check=True,
        capture_output=True,
    )
    return certificate, key


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--processes", type=int, default=3)
    parser.add_argument("--port", type=int, default=8080, help="nginx's port (default 8080)")
    args = parser.parse_args(argv)
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgresql"):
        print("error: set DATABASE_URL to a PostgreSQL database (the processes share it)", file=sys.stderr)
        return 2
    if not 1 <= args.processes <= 16:
        print("error: N is between 1 and 16", file=sys.stderr)
        return 2
    folder = ROOT / "data" / "cluster"
    folder.mkdir(parents=True, exist_ok=True)
    url = f"http://127.0.0.1:{args.port}"
    env = {**os.environ, "CXC_PUBLIC_URL": url}
    subprocess.run([sys.executable, "manage.py", "migrate"], cwd=ROOT, env=env, check=True)
    ports = [free_port() for _ in range(args.processes)]
    with ExitStack() as stack:
        for port in ports:
            stack.enter_context(running_app(folder / f"app-{port}.log", env, port))
        stack.enter_context(running_nginx(folder, app_ports=ports, listen_port=args.port))
        print(
            f"CXC Desk: {url}  ({args.processes} processes on ports {', '.join(map(str, ports))}; "
            f"logs in {folder}). Ctrl-C stops.",
            flush=True,
        )
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        signal.sigwait({signal.SIGINT, signal.SIGTERM})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
