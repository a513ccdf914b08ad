"""The reconciliation screen: two coders' disagreements, decided unit by unit into a consensus.

It first asks which two coders (the pairs who finished documents in common). The list shows
every unit where their codes differ; the pane beside it shows the unit in context, both
coders' codings side by side and the definition, inclusion and exclusion criteria of each
code involved. ``a`` accepts A, ``b`` B, ``o``/``2`` both, ``n`` neither, ``r`` recodes
(the code picker); ``t`` takes over every unit both agree on. Each decision is the app's
usual undoable action (``u``). The line above shows how many are decided and the agreement
figures (A–B, and each with the consensus), re-read after every decision.

Reads run in the app's workers (``read``), decisions go through its write queue in key order;
a decision shows at once and the re-read confirms it. Never imports SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Label, OptionList

from qualcope.domain import ActionSummary, CodeNode
from qualcope.errors import QualcopeError
from qualcope.services import reconcile
from qualcope.services.project import Project
from qualcope.services.reconcile import Disagreement, Progress
from qualcope.tui import actions
from qualcope.tui.screens.coder_pair import CoderPairPicker
from qualcope.tui.widgets.disagreement_list import DisagreementList
from qualcope.tui.widgets.reconcile_detail import ReconcileDetail
from qualcope.tui.widgets.reconcile_status import ReconcileStatus
from qualcope.tui.widgets.transcript import safe_text

if TYPE_CHECKING:
    from qualcope.tui.app import QualcopeApp

T = TypeVar("T")


class ReconcileScreen(Screen[None]):
    """Decide two coders' disagreements into the consensus coder's codings."""

    WHERE = actions.RECONCILE
    BINDINGS = actions.bindings(actions.RECONCILE)

    def __init__(self, project: Project) -> None:
        super().__init__()
        self.project = project
        self.pair: tuple[str, str] | None = None
        self.saving = 0  # decisions queued and not saved yet

    @property
    def host(self) -> QualcopeApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Label(Text("Reconcile"), id="reconcile-title")
        yield ReconcileStatus(id="reconcile-status")
        with Horizontal(id="reconcile-body"):
            yield DisagreementList(id="reconcile-list")
            yield ReconcileDetail(id="reconcile-detail")
        yield Footer()

    @property
    def units(self) -> DisagreementList:
        return self.query_one(DisagreementList)

    def on_mount(self) -> None:
        self.units.focus()
        self.host.read(
            lambda: reconcile.coder_pairs(self.project),
            self._got_pairs,
            group="reconcile-pairs",
            on_error=lambda _error: self._leave(),
        )

    def _got_pairs(self, pairs: list[tuple[str, str, int]]) -> None:
        if not pairs:
            self.notify(
                "no two coders have finished the same documents: mark double-coded documents "
                "finished for each coder first",
                severity="warning",
                markup=False,
            )
            self._leave()
            return
        self.app.push_screen(CoderPairPicker(pairs), self._chosen)

    def _chosen(self, pair: tuple[str, str] | None) -> None:
        if pair is None:
            self._leave()
            return
        self.pair = pair
        title = Text("Reconcile  ", style="bold")
        title.append(f"A {safe_text(pair[0])}  ·  B {safe_text(pair[1])}  ·  ")
        title.append(f"into coder “{reconcile.CONSENSUS}”", style="dim")
        self.query_one("#reconcile-title", Label).update(title)
        self.reload()

    def _leave(self) -> None:
        if self.app.screen is self:
            self.app.pop_screen()

    # ------------------------------------------------------------ reading
    def reload(self) -> None:
        """Read the disagreements and the progress again (after every decision)."""
        if self.pair is None:
            return
        a, b = self.pair
        self.host.read(
            lambda: reconcile.overview(self.project, a, b),
            self._show,
            group="reconcile-list",
            on_error=lambda _error: self._leave() if not self.units.items else None,
        )

    def _show(self, found: tuple[list[Disagreement], Progress]) -> None:
        items, progress = found
        self.units.show(items)
        self.query_one(ReconcileStatus).show(progress, saving=self.saving > 0)
        self._show_current()

    def _show_current(self) -> None:
        nodes = {node.id: node for node in self.host.codes}
        self.query_one(ReconcileDetail).show(self.units.current, self.pair or ("A", "B"), nodes)

    def show_codes(self, nodes: list[CodeNode]) -> None:
        """The app read the code tree again (its definitions show in the detail pane)."""
        self._show_current()

    def after_history(self, summary: ActionSummary) -> None:
        """The app undid or redid something: a decision may have come or gone."""
        self.reload()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_current()

    # ------------------------------------------------------------ deciding
    def _decide(self, choice: str, code_id: int | None = None) -> None:
        item = self.units.current
        if item is None:
            self.app.bell()
            return
        self.units.mark(item.key, choice)
        self.units.next_open()
        self._show_current()
        self._queue(lambda: reconcile.resolve(self.project, item.key, choice, code_id=code_id))

    def _queue(self, call: Callable[[], T], then: Callable[[T], None] | None = None) -> None:
        """One write through the app's queue; the list and the figures are read again after."""
        self.saving += 1
        self.query_one(ReconcileStatus).show(None, saving=True)

        def done(result: T) -> None:
            self.saving -= 1
            if then is not None:
                then(result)
            self.reload()

        def failed(_error: QualcopeError) -> None:
            self.saving -= 1
            self.reload()

        self.host.write(call, done, failed)

    def action_accept_a(self) -> None:
        self._decide("accept_a")

    def action_accept_b(self) -> None:
        self._decide("accept_b")

    def action_both(self) -> None:
        self._decide("both")

    def action_neither(self) -> None:
        self._decide("neither")

    def action_recode(self) -> None:
        if self.units.current is None:
            self.app.bell()
            return

        def chosen(code_id: int | None) -> None:
            if code_id is not None:
                self._decide("recode", code_id)

        self.host.pick_code("Recode the unit as", chosen)

    def action_take_over(self) -> None:
        if self.pair is None:
            self.app.bell()
            return
        a, b = self.pair

        def done(count: int) -> None:
            what = (
                f"{count} agreed units taken over into the consensus"
                if count
                else "every agreed unit is in the consensus already"
            )
            self.notify(what, markup=False, timeout=3)

        self._queue(lambda: reconcile.accept_agreements(self.project, a, b), done)

    # ------------------------------------------------------------ moving
    def action_next_unit(self) -> None:
        self.units.action_cursor_down()

    def action_previous_unit(self) -> None:
        self.units.action_cursor_up()

    def action_next_open(self) -> None:
        if not self.units.next_open():
            self.notify("every disagreement is decided", markup=False, timeout=3)

    def action_close(self) -> None:
        self.app.pop_screen()
