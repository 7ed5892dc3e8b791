"""The app servers' logs: the app's JSON lines among gunicorn's plain ones, what they say about
each request, and a copy kept after the run's folder goes."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.support.deploy.appserver import AppServer


def json_records(text: str) -> list[dict[str, Any]]:
    """The JSON log lines (the app's records); gunicorn's own lines are plain text."""
    records = []
    for line in text.splitlines():
        if line.startswith("{"):
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict):
                records.append(record)
    return records


def request_lines(
    servers: Iterable[AppServer], since: dict[str, int] | None = None
) -> list[tuple[AppServer, dict[str, Any]]]:
    """The app's one line per request, from every server, each from its `since` offset."""
    return [
        (server, record)
        for server in servers
        for record in json_records(server.log_text((since or {}).get(server.name, 0)))
        if record.get("logger") == "sgid_rp.request"
    ]


def assert_no_server_errors(
    servers: Iterable[AppServer], since: dict[str, int] | None = None
) -> None:
    """No request answered 5xx, and no traceback or worker timeout in any log."""
    servers = list(servers)
    failures = [
        f"{server.name}: {record}"
        for server, record in request_lines(servers, since)
        if not isinstance(record.get("status"), int) or record["status"] >= 500
    ]
    assert not failures, "requests answered 5xx:\n" + "\n".join(failures[:20])
    for server in servers:
        text = server.log_text((since or {}).get(server.name, 0))
        for marker in ("Traceback", "WORKER TIMEOUT", "[CRITICAL]"):
            assert marker not in text, f"{marker!r} in {server.name}'s log\n" + (
                server.log_tail(80)
            )


def keep_log(server: AppServer) -> None:
    """With SGID_DEPLOY_LOG_DIR set, copy the server's log there (the run's folder goes)."""
    if target := os.environ.get("SGID_DEPLOY_LOG_DIR"):
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(server.log_path, Path(target) / server.log_path.name)
