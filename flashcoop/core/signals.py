"""Signals: how a lower domain lets upper ones react without importing them.

A domain defines the signals it sends (cohorts: `cohort_created`); an upper domain declares
receivers for them in its domain declaration, and the shell connects them once at start-up.
Receivers run in order, awaited, inside the sender's transaction when it has one: a cohort
and its default programme are created together or not at all.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

Receiver = Callable[..., Awaitable[Any]]


class Signal:
    def __init__(self, name: str, doc: str = "") -> None:
        self.name = name
        self.__doc__ = doc
        self._receivers: list[Receiver] = []

    def connect(self, receiver: Receiver) -> None:
        """Connect once: connecting the same receiver again changes nothing."""
        if receiver not in self._receivers:
            self._receivers.append(receiver)

    def disconnect(self, receiver: Receiver) -> None:
        if receiver in self._receivers:
            self._receivers.remove(receiver)

    @property
    def receivers(self) -> tuple[Receiver, ...]:
        return tuple(self._receivers)

    async def send(self, **kwargs: Any) -> list[Any]:
        return [await receiver(**kwargs) for receiver in self._receivers]

    def __repr__(self) -> str:
        return f"<Signal {self.name}>"
