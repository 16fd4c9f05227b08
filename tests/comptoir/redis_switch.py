"""A port in front of the real Redis that a test turns off and on, as an outage would.

Off, nothing listens on the port (connections are refused) and every connection
that went through it is cut; on, connections are relayed to the real Redis. The
site is pointed at the port once, so what a test sees after turning it back on is
the same process carrying on, not a restart.
"""

from __future__ import annotations

import socket
import threading


class RedisSwitch:
    def __init__(self, target: tuple[str, int] = ("127.0.0.1", 6379)):
        self.target = target
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self._listener: socket.socket | None = None
        self._acceptor: threading.Thread | None = None
        self._relayed: set[socket.socket] = set()
        self._lock = threading.Lock()

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def on(self) -> None:
        listener = socket.create_server(("127.0.0.1", self.port))
        listener.settimeout(0.05)
        self._listener = listener
        self._acceptor = threading.Thread(
            target=self._accept, args=(listener,), daemon=True
        )
        self._acceptor.start()

    def off(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            # The port is free once the acceptor stops waiting on it (50 ms).
            self._acceptor.join()
            listener.close()
        with self._lock:
            relayed, self._relayed = self._relayed, set()
        for sock in relayed:
            _cut(sock)

    def _accept(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            try:
                upstream = socket.create_connection(self.target, timeout=2)
            except OSError:
                _cut(client)
                continue
            upstream.settimeout(None)
            with self._lock:
                self._relayed.update({client, upstream})
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(
                    target=_relay, args=(source, sink), daemon=True
                ).start()


def _relay(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        _cut(source)
        _cut(sink)


def _cut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
