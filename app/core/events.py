"""Domain events (领域事件) and queries in the transaction: how a lower area reaches a higher.

An area publishes a typed event when something it owns has changed ("an enterprise's facts
changed", "members left the whitelist"); the areas that react subscribe to it in their own
``handlers.py``. Handlers run synchronously, in the publisher's session, before the commit: a
handler that fails rolls the whole change back with it, so a change and its consequences exist
together or not at all. Nothing leaves the process this way; a handler that must tell a bank
writes an outbox entry, which is still the only way out.

A query is the same in the other direction: a lower area asks a question only a higher area can
answer ("which banks are matched with this enterprise?") and exactly one area answers it.

Which modules subscribe or answer is written once, here (``HANDLER_MODULES``); they are imported
at the first publish or question, so no process can publish before every subscriber is there.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlmodel import Session

# Every module that subscribes to an event or answers a query, by name: imported, not reached
# by a static import, so the layers stay one way (a higher area registers with a lower one).
HANDLER_MODULES: tuple[str, ...] = (
    "whitelist.handlers",
    "lenders.leads.handlers",
    "lenders.fund.handlers",
)


@dataclass(frozen=True)
class Event:
    """Something that happened, in the past tense; frozen so a handler cannot change it."""


Answer = TypeVar("Answer")


@dataclass(frozen=True)
class Query(Generic[Answer]):
    """A question with one answerer; ``Answer`` is the type the answer has."""


E = TypeVar("E", bound=Event)
Q = TypeVar("Q", bound=Query[Any])
Handler = Callable[[Session, Any], None]
Answerer = Callable[[Session, Any], Any]

_subscribers: dict[type[Event], list[Handler]] = {}
_answerers: dict[type[Query[Any]], Answerer] = {}
_wired = False
_wiring = threading.Lock()


class WiringError(RuntimeError):
    """A query nobody answers, or answered twice: a programming error, found at first use."""


def subscriber(
    event_type: type[E],
) -> Callable[[Callable[[Session, E], None]], Callable[..., None]]:
    """Decorate a handler ``(session, event) -> None`` of ``event_type``."""

    def register(handler: Callable[[Session, E], None]) -> Callable[[Session, E], None]:
        handlers = _subscribers.setdefault(event_type, [])
        if handler not in handlers:
            handlers.append(handler)
        return handler

    return register


def answerer(query_type: type[Q]) -> Callable[[Callable[[Session, Q], Any]], Callable[..., Any]]:
    """Decorate the one function ``(session, query) -> answer`` of ``query_type``."""

    def register(function: Callable[[Session, Q], Any]) -> Callable[[Session, Q], Any]:
        known = _answerers.get(query_type)
        if known is not None and known is not function:
            raise WiringError(f"{query_type.__name__} is answered twice")
        _answerers[query_type] = function
        return function

    return register


def publish(session: Session, event: Event) -> None:
    """Run every subscriber of the event now, in order of registration, in ``session``."""
    wire()
    for handler in _subscribers.get(type(event), []):
        handler(session, event)


def ask(session: Session, query: Query[Answer]) -> Answer:
    """The answer of the one area that answers ``query``."""
    wire()
    function = _answerers.get(type(query))
    if function is None:
        raise WiringError(f"nobody answers {type(query).__name__}")
    answer: Answer = function(session, query)
    return answer


def wire() -> None:
    """Import every handler module once (thread-safe); later calls return at once."""
    global _wired  # noqa: PLW0603 - the process-wide registry is filled once
    if _wired:
        return
    with _wiring:
        if not _wired:
            for name in HANDLER_MODULES:
                importlib.import_module(name)
            _wired = True


def subscribers() -> dict[type[Event], list[Handler]]:
    """Each event type with its handlers, wired: what the README's event table shows."""
    wire()
    return {kind: list(handlers) for kind, handlers in _subscribers.items()}


def answerers() -> dict[type[Query[Any]], Answerer]:
    wire()
    return dict(_answerers)
