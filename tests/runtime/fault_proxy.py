"""A fault proxy on 127.0.0.1 in front of a real InvokeAI server, for the network cases a server
cannot be made to show on cue: an outage (listener closed and every connection cut, then back
on the same port), one slow answer, 503s for a while, and an enqueue POST whose connection is
reset while the request still reaches the server later.

HTTP requests are read with h11 and forwarded with httpx, one by one; a websocket upgrade turns
its connection into a plain byte pipe to the server.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import h11
import httpx

# What to do with one request: None passes it on.
@dataclass
class Fault:
    delay: float = 0.0  # answer after this long
    status: int | None = None  # answer this instead of forwarding
    reset_then_deliver: float | None = None  # cut the client off, forward this much later


Rule = Callable[[str, str], Fault | None]  # (method, path) -> fault


class FaultProxy:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.rule: Rule = lambda method, path: None
        self.requests: list[tuple[str, str]] = []
        self._up = httpx.Client(timeout=120)
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._closed = False
        self._start_accepting()

    def _start_accepting(self) -> None:
        threading.Thread(target=self._accept, args=(self._listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with self._lock:
                self._conns.add(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def outage(self, seconds: float) -> None:
        """Down for ``seconds``: connects refused, open connections reset, then back."""
        self._stop_listening()
        with self._lock:
            conns, self._conns = list(self._conns), set()
        for conn in conns:
            _reset(conn)
        time.sleep(seconds)
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._start_accepting()

    def _serve(self, conn: socket.socket) -> None:
        try:
            first = conn.recv(65536)
            if b"upgrade: websocket" in first.lower():
                self._pipe(conn, first)
                return
            self._http(conn, first)
        except (OSError, RuntimeError, httpx.HTTPError):  # cut off, or the proxy closed meanwhile
            pass
        finally:
            with self._lock:
                self._conns.discard(conn)
            with contextlib.suppress(OSError):
                conn.close()

    def _http(self, conn: socket.socket, data: bytes) -> None:
        h = h11.Connection(h11.SERVER)
        h.receive_data(data)
        request: h11.Request | None = None
        body = b""
        while True:
            event = h.next_event()
            if event is h11.NEED_DATA:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                h.receive_data(chunk)
                continue
            if isinstance(event, h11.Request):
                request, body = event, b""
            elif isinstance(event, h11.Data):
                body += bytes(event.data)
            elif isinstance(event, h11.EndOfMessage) and request is not None:
                if not self._answer(conn, h, request, body):
                    return
                if h.our_state is h11.MUST_CLOSE:
                    return
                h.start_next_cycle()
                request = None
            elif isinstance(event, (h11.ConnectionClosed, h11.PAUSED)):
                return

    def _answer(self, conn: socket.socket, h: h11.Connection, request: h11.Request, body: bytes) -> bool:
        method, target = request.method.decode(), request.target.decode()
        self.requests.append((method, target.split("?")[0]))
        fault = self.rule(method, target.split("?")[0]) or Fault()
        headers = [(k, v) for k, v in request.headers if k.lower() not in (b"host", b"content-length")]
        if fault.reset_then_deliver is not None:
            _reset(conn)
            later = threading.Timer(fault.reset_then_deliver, self._deliver, (method, target, headers, body))
            later.daemon = True
            later.start()
            return False
        time.sleep(fault.delay)
        if fault.status is not None:
            status, rheaders, content = fault.status, [(b"content-type", b"text/plain")], b"fault proxy"
        else:
            status, rheaders, content = self._forward(method, target, headers, body)
        rheaders = [(k, v) for k, v in rheaders if k.lower() not in (b"content-length", b"transfer-encoding", b"connection")]
        conn.sendall(h.send(h11.Response(status_code=status, headers=[*rheaders, (b"content-length", str(len(content)).encode())])))
        conn.sendall(h.send(h11.Data(data=content)) + h.send(h11.EndOfMessage()))
        return True

    def _forward(self, method: str, target: str, headers: list[tuple[bytes, bytes]], body: bytes) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        response = self._up.request(method, self.upstream + target, headers=headers, content=body)
        return response.status_code, list(response.headers.raw), response.content

    def _deliver(self, method: str, target: str, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        with contextlib.suppress(RuntimeError, httpx.HTTPError):  # the proxy may be closed by then
            self._forward(method, target, headers, body)

    def _pipe(self, conn: socket.socket, first: bytes) -> None:
        up = socket.create_connection(("127.0.0.1", httpx.URL(self.upstream).port or 80))
        with self._lock:
            self._conns.add(up)
        up.sendall(first)

        def copy(src: socket.socket, dst: socket.socket) -> None:
            with contextlib.suppress(OSError):
                while data := src.recv(65536):
                    dst.sendall(data)
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

        back = threading.Thread(target=copy, args=(up, conn), daemon=True)
        back.start()
        copy(conn, up)
        back.join(5)
        with self._lock:
            self._conns.discard(up)
        up.close()

    def _stop_listening(self) -> None:
        # shutdown wakes the thread blocked in accept(); close alone leaves the port bound
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()

    def close(self) -> None:
        self._stop_listening()
        with self._lock:
            conns, self._conns = list(self._conns), set()
        for conn in conns:
            _reset(conn)
        self._up.close()


def _reset(conn: socket.socket) -> None:
    """Close with a TCP reset, as a dying server's kernel does."""
    with contextlib.suppress(OSError):
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        conn.close()
