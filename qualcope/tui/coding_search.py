"""Search and "next uncoded" on the coding screen: a mixin of ``CodingScreen``.

Both read in a worker the keys after them wait for (``read_awaited``): a key typed after ``/``
Enter or after ``n`` acts on the hit or turn it selected.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qualcope.services import documents, search
from qualcope.tui.screens.hits import HitsDialog
from qualcope.tui.screens.search import SearchDialog, SearchRequest

if TYPE_CHECKING:
    from qualcope.tui.screens.coding import CodingScreen

    Base = CodingScreen
else:
    Base = object


class CodingSearch(Base):
    """Search the document or the project; go to the next turn without a coding of yours."""

    last_search: SearchRequest | None = None

    def action_search(self) -> None:
        self.app.push_screen(SearchDialog(self.last_search), self._run_search)

    def _run_search(self, request: SearchRequest | None) -> None:
        if request is None or self.doc is None:
            return
        self.last_search = request
        project, document_id = self.qapp.project, self.doc.id
        self.status.set(search="searching…")

        def run() -> tuple[list[search.SearchHit], dict[int, str]]:
            if request.whole_project:
                hits = search.search_project(project, request.query, use_regex=request.use_regex)
                names = {r.id: r.name for r in documents.list_documents(project)}
                return hits, names
            hits = search.search_document(
                project, document_id, request.query, use_regex=request.use_regex
            )
            return hits, {}

        def done(result: tuple[list[search.SearchHit], dict[int, str]]) -> None:
            hits, names = result
            self.show_hits(hits)
            if not hits:
                self.status.set(search="no hits")
                self.notify(f"no hits for {request.query!r}", markup=False)
                return
            self.status.set(search=f"{len(hits)} hits")
            if request.whole_project:
                title = f"{len(hits)} hits in {len({h.document_id for h in hits})} documents"
                self.app.push_screen(
                    HitsDialog(title, hits, names),
                    lambda index: index is not None and self.goto_hit(hits[index]),
                )
            else:
                self.action_next_hit()

        self.read_awaited(
            run,
            self.alive(done),
            group="search",
            on_error=self.alive(lambda _e: self.status.set(search="")),
        )

    def action_next_uncoded(self) -> None:
        doc = self.doc
        if doc is None:
            return
        project, after = self.qapp.project, doc.selection.start

        def found(turn: Any) -> None:
            if turn is None:
                self.notify("every respondent turn has a coding of yours", markup=False)
            elif self.doc is doc:
                doc.selection.goto_turn(turn.start)
                self.sync()

        self.read_awaited(
            lambda: search.next_uncoded_turn(project, doc.id, after),
            self.alive(found),
            group="uncoded",
        )
