"""The bounded request: total time, cookies, and compression, against real sockets on loopback."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import responses

from accounts.sgid.errors import ProviderUnavailable
from accounts.sgid.http import new_session, request_json


@contextmanager
def dripping_server(delay: float, total: float) -> Iterator[str]:
    """An HTTP server on 127.0.0.1 that sends headers, then one body byte every `delay` s."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(5)
    stop = threading.Event()

    def serve() -> None:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n")
            deadline = time.monotonic() + total
            try:
                while not stop.is_set() and time.monotonic() < deadline:
                    conn.sendall(b" ")
                    time.sleep(delay)
            except OSError:
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/"
    finally:
        stop.set()
        listener.close()
        thread.join(5)


def test_a_server_dripping_its_body_is_cut_off_near_the_timeout():
    with dripping_server(delay=0.1, total=10) as url:
        started = time.monotonic()
        with pytest.raises(ProviderUnavailable, match="too long"):
            request_json(new_session(), "GET", url, what="token endpoint", timeout=0.5)
        elapsed = time.monotonic() - started
    # Each byte arrives well within the per-read timeout; only the total deadline stops it.
    assert elapsed < 0.5 * 2 + 0.5


@responses.activate
def test_the_shared_session_keeps_no_cookies_between_logins():
    responses.get("https://sgid.test/v2/x", json={}, headers={"Set-Cookie": "lb=person-a; Path=/"})
    session = new_session()
    request_json(session, "GET", "https://sgid.test/v2/x", what="x", timeout=1)
    request_json(session, "GET", "https://sgid.test/v2/x", what="x", timeout=1)
    assert len(session.cookies) == 0
    assert "Cookie" not in responses.calls[1].request.headers


@responses.activate
def test_asks_for_an_uncompressed_answer():
    call = responses.get("https://sgid.test/v2/x", json={})
    request_json(new_session(), "GET", "https://sgid.test/v2/x", what="x", timeout=1)
    assert call.calls[0].request.headers["Accept-Encoding"] == "identity"
