"""Time bounds of HTTP exchanges: a timeout on a whole request, a deadline on a whole task.

``requests`` (urllib3) applies its timeout to each socket operation: connecting, and each
read. A peer that sends one byte a second therefore holds a request forever, whatever the
timeout. Here a timer (:class:`Watchdog`) shuts the sockets of one attempt down when the
attempt's time is up, which ends any blocked read at once; the connections register their
sockets with the watchdog of the attempt running in their thread. :class:`Deadline` bounds
a task of many requests (``ctkg load``): no attempt starts and no wait begins after it.
"""

from __future__ import annotations

import socket
import threading
import time
from contextlib import suppress
from dataclasses import dataclass
from typing import Any, ClassVar

import requests.adapters
import urllib3
import urllib3.connection


@dataclass(frozen=True)
class Deadline:
    """A moment (``time.monotonic``) after which a task sends and waits for nothing more;
    ``seconds`` is how long the task was given, for messages."""

    seconds: float
    end: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        if seconds <= 0:
            raise ValueError("a deadline must be positive")
        return cls(float(seconds), time.monotonic() + seconds)

    def remaining(self) -> float:
        return self.end - time.monotonic()


_ACTIVE = threading.local()  # the watchdog of the attempt running in this thread


class Watchdog:
    """Shuts the sockets of one attempt down when its time is up.

    ``requests`` times each socket operation, so a peer that sends a byte now and then holds
    a request forever; a socket shut down ends a blocked read at once (end of file) and the
    attempt reports a timeout. :class:`_WatchedConnection` registers its socket here, in the
    thread that runs the attempt.
    """

    def __init__(self, seconds: float) -> None:
        self.fired = False
        self._sockets: list[socket.socket] = []
        self._guard = threading.Lock()
        self._timer = threading.Timer(seconds, self.watch, kwargs={"fire": True})
        self._timer.daemon = True

    def watch(self, sock: socket.socket | None = None, *, fire: bool = False) -> None:
        """Register ``sock`` (shut down at once if time is up); ``fire``: time is up."""
        with self._guard:
            self.fired = self.fired or fire
            self._sockets += [sock] if sock is not None else []
            for each in self._sockets if self.fired else []:
                with suppress(OSError):  # already closed
                    each.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> Watchdog:
        _ACTIVE.dog = self
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        _ACTIVE.dog = None


class _WatchedConnection(urllib3.connection.HTTPConnection):
    """Registers its socket with the running attempt's watchdog: when it connects, and when
    a kept-alive connection is used again."""

    def _register(self) -> None:
        dog = getattr(_ACTIVE, "dog", None)
        if dog is not None and self.sock is not None:
            dog.watch(self.sock)

    def connect(self) -> None:
        super().connect()
        self._register()

    def request(self, *args: Any, **kwargs: Any) -> None:
        self._register()
        super().request(*args, **kwargs)


class _WatchedTLSConnection(_WatchedConnection, urllib3.connection.HTTPSConnection):
    pass


class _WatchedPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _WatchedConnection


class _WatchedTLSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _WatchedTLSConnection


class _WatchedAdapter(requests.adapters.HTTPAdapter):
    """Pools of watched connections, direct or through an HTTP proxy (a SOCKS proxy keeps
    its own pools, bounded by the per-operation timeout alone)."""

    pools: ClassVar[dict[str, type[urllib3.HTTPConnectionPool]]] = {
        "http": _WatchedPool, "https": _WatchedTLSPool}

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self.pools

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **kwargs)
        if type(manager) is urllib3.ProxyManager:
            manager.pool_classes_by_scheme = self.pools
        return manager


def watched_adapter() -> requests.adapters.HTTPAdapter:
    """A ``requests`` adapter whose connections a :class:`Watchdog` can cut."""
    return _WatchedAdapter()
