"""Running the app's web server (uvicorn) on a socket of our own.

The socket is bound before the server starts, so that ``--port 0`` can pick
a free port and the address printed is the one really listened on.
:class:`BackgroundServer` runs the same server in a thread, for tests and
benchmarks that drive a real browser or HTTP client against it.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import uvicorn

__all__ = ["BackgroundServer", "address", "bind", "is_loopback", "serve"]

LOOPBACK = "127.0.0.1"
"""Default address: only this machine can reach the app."""


def bind(host: str = LOOPBACK, port: int = 0) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: a free one); raises :class:`OSError`."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


def address(sock: socket.socket) -> str:
    """The URL of the page served on ``sock``."""
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def is_loopback(host: str) -> bool:
    """True when ``host`` can only be reached from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _server(app: Any, log_level: str) -> uvicorn.Server:
    import uvicorn

    config = uvicorn.Config(app, log_level=log_level, access_log=False, lifespan="off")
    return uvicorn.Server(config)


def serve(app: Any, sock: socket.socket, *, log_level: str = "warning") -> None:
    """Serve ``app`` on ``sock`` until interrupted (Ctrl+C stops it cleanly)."""
    _server(app, log_level).run(sockets=[sock])


class BackgroundServer:
    """Serve an app on 127.0.0.1 in a thread, for as long as a ``with`` block lasts.

    ``url`` is the page's address once the block is entered; leaving the
    block stops the server and waits (at most ``timeout`` seconds) for it.
    """

    def __init__(self, app: Any, host: str = LOOPBACK, port: int = 0,
                 timeout: float = 10.0) -> None:
        self.sock = bind(host, port)
        self.url = address(self.sock)
        self.timeout = timeout
        self._server = _server(app, "warning")
        self._thread = threading.Thread(target=self._server.run,
                                        kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> BackgroundServer:
        self._thread.start()
        deadline = time.monotonic() + self.timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the app's server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()

    def stop(self) -> None:
        """Ask the server to finish and wait for its thread."""
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(self.timeout)
        self.sock.close()
