"""deploy/nginx.conf made runnable on one machine: the same site with other ports and paths.

Only addresses, ports and certificate paths change; every directive that matters (stickiness,
websocket headers, timeouts, body size, headers, /healthz, /metrics) is the file's own, so the
tests and `make cluster` prove the deployment as written.
"""

from __future__ import annotations

import re
from pathlib import Path

SITE = Path(__file__).resolve().with_name("nginx.conf")
MIME_TYPES = Path("/etc/nginx/mime.types")


def site(
    *, app_ports: list[int], listen_port: int, tls: tuple[Path, Path] | None = None, host: str = "127.0.0.1"
) -> str:
    """The site block of deploy/nginx.conf for these app ports, on http or (with tls) https."""
    text = SITE.read_text(encoding="utf-8")
    servers = "".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=15s;\n" for port in app_ports)
    text, count = re.subn(r"(    server 127\.0\.0\.1:\d+ [^\n]*\n)+", servers, text, count=1)
    if count != 1:
        raise ValueError("deploy/nginx.conf: the upstream block's server lines were not found")
    if tls is None:
        text = text.replace("    listen 443 ssl http2;", f"    listen {host}:{listen_port};")
        text = re.sub(r"    ssl_[a-z_]+ [^\n]*\n", "", text)
    else:
        certificate, key = tls
        text = text.replace("    listen 443 ssl http2;", f"    listen {host}:{listen_port} ssl http2;")
        text = re.sub(r"ssl_certificate +\S+;", f"ssl_certificate {certificate};", text)
        text = re.sub(r"ssl_certificate_key +\S+;", f"ssl_certificate_key {key};", text)
    return text.replace("server_name desk.example.org;", f"server_name {host};")


def main_config(*, folder: Path, site_text: str) -> str:
    """A whole nginx.conf for a non-system nginx whose files all live in `folder`."""
    return f"""worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include {MIME_TYPES};
    access_log {folder}/access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
{site_text}
}}
"""


def write(folder: Path, *, app_ports: list[int], listen_port: int, tls: tuple[Path, Path] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "nginx.conf"
    path.write_text(main_config(folder=folder, site_text=site(app_ports=app_ports, listen_port=listen_port, tls=tls)))
    return path
