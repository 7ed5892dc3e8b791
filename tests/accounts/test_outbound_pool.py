"""The connection pool to sgID holds a connection for every thread the bulkhead lets call it:
under a full load of logins, connections are reused, never opened and thrown away."""

from __future__ import annotations

import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings

from accounts.provider import get_client


class _SlowSgid(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as sgID's load balancer does
    opened = 0
    lock = threading.Lock()

    def setup(self) -> None:
        super().setup()
        with _SlowSgid.lock:
            _SlowSgid.opened += 1

    def do_GET(self) -> None:
        time.sleep(0.2)  # sgID taking its time: every caller is waiting at once
        body = b"{}"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def slow_sgid():
    _SlowSgid.opened = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowSgid)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_settings_leave_threads_for_pages_that_do_not_call_sgid():
    assert 1 <= settings.SGID_MAX_CONCURRENT_CALLS < settings.WEB_THREADS


def test_every_thread_the_bulkhead_admits_reuses_a_pooled_connection(slow_sgid, caplog):
    caplog.set_level(logging.WARNING, logger="urllib3")
    http = get_client().http
    callers = settings.SGID_MAX_CONCURRENT_CALLS
    for _ in range(3):  # three waves of logins, each with every slot waiting on sgID
        threads = [
            threading.Thread(target=http.get, args=(f"{slow_sgid}/oauth/userinfo",))
            for _ in range(callers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
    assert _SlowSgid.opened == callers, "the second and third waves opened new connections"
    assert not [r for r in caplog.records if "pool is full" in r.getMessage()]
