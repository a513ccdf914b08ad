"""The command palette provider: jump to a document, to a code's next coding, or run an action.

Document and code names are untrusted, so hits are displayed as plain
``Content`` with the fuzzy matches styled, never through the markup parser
(Textual's ``Matcher.highlight`` parses markup).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from qualcope.domain import CodeNode, DocumentRef
from qualcope.services import documents
from qualcope.tui import actions
from qualcope.tui.widgets.transcript import safe_text

if TYPE_CHECKING:
    from qualcope.tui.app import QualcopeApp


class QualcopeCommands(Provider):
    """Documents, codes and the actions of the current screen."""

    async def startup(self) -> None:
        app: QualcopeApp = self.app  # type: ignore[assignment]
        self.documents: list[DocumentRef] = await asyncio.to_thread(
            documents.list_documents, app.project
        )
        self.codes: list[CodeNode] = list(app.codes)

    def _candidates(self) -> list[tuple[str, Callable[[], Any], str]]:
        app: QualcopeApp = self.app  # type: ignore[assignment]
        screen = self.screen
        where = getattr(screen, "WHERE", actions.DOCUMENTS)
        found: list[tuple[str, Callable[[], Any], str]] = []
        for ref in self.documents:
            label = f"Open document {safe_text(ref.name)}"
            details = " · ".join(x for x in (ref.case, ref.role, ref.participant) if x)
            found.append((label, partial(app.open_document, ref.id), safe_text(details)))
        jump = getattr(screen, "jump_to_code", None)
        if jump is not None:
            for code in self.codes:
                if not code.is_group:
                    label = f"Next coding of {safe_text(code.path)}"
                    found.append((label, partial(jump, code.id), "on this document"))
        for place in (where, actions.APP):
            for spec in actions.rows(place):
                if not spec.binding or spec.action == "command_palette":
                    continue
                target = app if place == actions.APP else screen
                found.append(
                    (spec.description, partial(target.run_action, spec.action), spec.display)
                )
        return found

    async def discover(self) -> Hits:
        for label, command, help_text in self._candidates():
            if not label.startswith(("Open document", "Next coding")):
                yield DiscoveryHit(Content(label), command, text=label, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, command, help_text in self._candidates():
            score = matcher.match(label)
            if score > 0:
                yield Hit(
                    score, _highlight(matcher, query, label), command, text=label, help=help_text
                )


def _highlight(matcher: Any, query: str, candidate: str) -> Content:
    content = Content(candidate)
    _score, offsets = matcher.fuzzy_search.match(query, candidate)
    for offset in offsets:
        if not candidate[offset].isspace():
            content = content.stylize("bold underline", offset, offset + 1)
    return content
