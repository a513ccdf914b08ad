"""Keys applied in the order they were typed, each to the state the keys before it produced.

Pasted keys, key repeat and SSH packets bring keys faster than the workspace settles, and two
things used to let a key overtake another: Textual checks bindings (the moves) only when a
key has bubbled up to the app, one hop after a screen's own key handler (where code shortcuts
were applied), so ``J a`` in one burst coded the sentence before the move; and a key that
writes changes what the screen shows only when the write comes back, so a remove typed right
after a code acted on the codings from before it.

So a screen that asks for it (``ordered_keys``, the coding screen) gets every key through
one stream, taken as the key reaches the app and before anything else sees it: the code
shortcuts and the bindings are run from here, one key at a time, in arrival order. While the
screen is busy (``keys_must_wait``: its document loading, a write queued, a re-read of its
codings on the way) keys are held, and released in the same order as soon as it is not; a
key that finds another screen on top (a dialog the previous key opened) goes the usual way.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from textual import events
from textual.timer import Timer

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

# Held keys are also retried on this beat, so no path that forgets to release can strand one.
RETRY_SECONDS = 0.05


@runtime_checkable
class OrderedKeyScreen(Protocol):
    """What a screen provides to have its keys taken in order."""

    def ordered_keys(self, event: events.Key) -> bool:
        """Whether this key is the stream's (the focus is where the screen's keys go)."""
        ...

    def keys_must_wait(self) -> bool:
        """Whether what the screen shows is still to be updated by earlier keys."""
        ...

    def shortcut(self, event: events.Key) -> bool:
        """Apply the key as a code shortcut; False when it is none."""
        ...


class KeyStream:
    """The app's ordered key stream (one per app)."""

    def __init__(self, app: App[object]) -> None:
        self.app = app
        self.held: deque[events.Key] = deque()
        self._releasing = False
        self._retry: Timer | None = None

    def _screen(self) -> OrderedKeyScreen | None:
        screen: Screen[object] = self.app.screen
        return screen if isinstance(screen, OrderedKeyScreen) else None

    async def take(self, event: events.Key) -> bool:
        """Take a key the app received; False to let it go the usual way."""
        screen = self._screen()
        if not self.held and (screen is None or not screen.ordered_keys(event)):
            return False
        if self.held or (screen is not None and screen.keys_must_wait()):
            if self._quits(event):
                return False  # quitting runs the held keys and saves every change first
            self.held.append(event)
            self._retry_soon()
            return True
        assert screen is not None
        await self._run(screen, event)
        return True

    async def release(self) -> None:
        """Run the held keys, in order, while the screen is ready for them."""
        if self._releasing:
            return
        self._releasing = True
        try:
            while self.held:
                screen = self._screen()
                if screen is not None and screen.keys_must_wait():
                    return
                event = self.held.popleft()
                if screen is None or not screen.ordered_keys(event):
                    await self.app.dispatch_usual_key(event)  # type: ignore[attr-defined]
                else:
                    await self._run(screen, event)
        finally:
            self._releasing = False
            if not self.held and self._retry is not None:
                self._retry.stop()
                self._retry = None

    def _quits(self, event: events.Key) -> bool:
        found = self.app.screen.active_bindings.get(event.key)
        return found is not None and found.binding.action in ("quit", "app.quit")

    def _retry_soon(self) -> None:
        if self._retry is None:
            self._retry = self.app.set_interval(RETRY_SECONDS, self.release)

    async def _run(self, screen: OrderedKeyScreen, event: events.Key) -> None:
        """One key: a code shortcut, else the binding it has where the focus is."""
        if screen.shortcut(event):
            return
        active = self.app.screen.active_bindings
        for key in (event.key, *event.aliases):
            found = active.get(key)
            if found is not None and found.enabled:
                await self.app.run_action(found.binding.action, found.node)
                return
        await self.app.dispatch_usual_key(event)  # type: ignore[attr-defined]
