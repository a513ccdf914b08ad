"""The command palette provider: jump to a document, to a code's next coding, or run an action.

Document and code names are untrusted, so hits are displayed as plain
``Content`` with the fuzzy matches styled, never through the markup parser
(Textual's ``Matcher.highlight`` parses markup); the help line under a hit is
always parsed as markup by the palette, so its brackets are escaped.

qualcope's commands come first: the current screen's actions, then the
app-wide ones, then the few of Textual's own system commands worth keeping
(``KEPT_SYSTEM_COMMANDS``), all from this one provider so the order is fixed.
Textual's other commands duplicate qualcope's (Quit, Keys) or are not
qualcope features (Screenshot, Maximize, Minimize); the app hides them all
from Textual's provider by overriding ``get_system_commands`` to yield none.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.screen import Screen

from qualcope.domain import CodeNode, DocumentRef
from qualcope.services import documents
from qualcope.tui import actions
from qualcope.tui.screens.help import place_of
from qualcope.tui.widgets.transcript import safe_text

if TYPE_CHECKING:
    from qualcope.tui.app import QualcopeApp


# Textual's system commands qualcope keeps: a theme for a light terminal or more contrast.
KEPT_SYSTEM_COMMANDS = frozenset({"Theme"})

Candidate = tuple[str, Callable[[], Any], str]  # label, command, help line (plain text)


def kept_system_commands(app: App[Any], screen: Screen[Any]) -> Iterator[SystemCommand]:
    """Textual's own system commands that qualcope keeps (by title, so a command a later
    Textual adds stays out until someone decides it belongs)."""
    # App's implementation, not the app's override (which yields none, see the module doc).
    for command in App.get_system_commands(app, screen):
        if command.title in KEPT_SYSTEM_COMMANDS:
            yield command


def action_candidates(app: App[Any], screen: Screen[Any]) -> list[Candidate]:
    """The actions of ``screen`` (the palette's owner), then the app-wide actions that work
    there, each once: an app-wide row is left out when the screen binds its keys itself or
    has an action of the same name (the documents screen's Quit)."""
    where = place_of(screen)
    own = [
        spec
        for place in (actions.screen_places(where) if where != actions.APP else ())
        for spec in actions.rows(place)
        if spec.binding
    ]
    own_actions = {spec.action for spec in own}
    found: list[Candidate] = [
        (spec.description, partial(screen.run_action, spec.action), spec.display) for spec in own
    ]
    for spec in actions.app_rows(where):
        if spec.binding and spec.action != "command_palette" and spec.action not in own_actions:
            found.append((spec.description, partial(app.run_action, spec.action), spec.display))
    for title, help_text, callback, _discover in kept_system_commands(app, screen):
        found.append((title, callback, help_text))
    return found


class QualcopeCommands(Provider):
    """Documents, codes, the actions of the current screen and the app, Textual's kept few."""

    async def startup(self) -> None:
        app: QualcopeApp = self.app  # type: ignore[assignment]
        self.documents: list[DocumentRef] = await asyncio.to_thread(
            documents.list_documents, app.project
        )
        self.codes: list[CodeNode] = list(app.codes)

    def _jumps(self) -> list[Candidate]:
        """Open a document; on the coding screen, go to a code's next coding."""
        app: QualcopeApp = self.app  # type: ignore[assignment]
        found: list[Candidate] = []
        for ref in self.documents:
            label = f"Open document {safe_text(ref.name)}"
            details = " · ".join(x for x in (ref.case, ref.role, ref.participant) if x)
            found.append((label, partial(app.open_document, ref.id), safe_text(details)))
        jump = getattr(self.screen, "jump_to_code", None)
        if jump is not None:
            for code in self.codes:
                if not code.is_group:
                    label = f"Next coding of {safe_text(code.path)}"
                    found.append((label, partial(jump, code.id), "on this document"))
        return found

    async def discover(self) -> Hits:
        # Only actions: a project's documents and codes would bury them (search finds those).
        for label, command, help_text in action_candidates(self.app, self.screen):
            yield DiscoveryHit(Content(label), command, text=label, help=_literal(help_text))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        candidates = [*self._jumps(), *action_candidates(self.app, self.screen)]
        for label, command, help_text in candidates:
            score = matcher.match(label)
            if score > 0:
                yield Hit(
                    score,
                    _highlight(matcher, query, label),
                    command,
                    text=label,
                    help=_literal(help_text),
                )


def _literal(text: str) -> str:
    """Markup that shows ``text`` as written: the palette parses a hit's help line as markup
    (a participant called ``[b]x`` or the ``[`` key must not become a style)."""
    return text.replace("[", "\\[")


def _highlight(matcher: Any, query: str, candidate: str) -> Content:
    content = Content(candidate)
    _score, offsets = matcher.fuzzy_search.match(query, candidate)
    for offset in offsets:
        if not candidate[offset].isspace():
            content = content.stylize("bold underline", offset, offset + 1)
    return content
