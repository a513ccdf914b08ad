"""The codebook screen's tree: groups and codes with colour, shortcut and coding counts.

Each line reads ``■ Name [a]  12/5``: the code's colour, its name, its shortcut and
its codings (all coders / this coder; only ``5`` for a blind coder, who must not see how
often others used a code); a group shows the totals of everything inside it. Names come
from codebook files and are untrusted: labels are ``Text`` built with ``safe_text``
(never markup). Collapsed groups stay collapsed when the tree is redrawn.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from qualcope.domain import CodeNode
from qualcope.tui.widgets.transcript import safe_text


def subtree_counts(nodes: list[CodeNode]) -> dict[int, tuple[int, int]]:
    """(all coders, this coder) codings of each code and everything below it."""
    totals = {node.id: (node.coding_count, node.my_coding_count) for node in nodes}
    for node in reversed(nodes):  # children come after their parents
        if node.parent_id in totals:
            every, mine = totals[node.parent_id]
            sub_every, sub_mine = totals[node.id]
            totals[node.parent_id] = (every + sub_every, mine + sub_mine)
    return totals


def tree_label(node: CodeNode, counts: tuple[int, int], *, mine_only: bool = False) -> Text:
    """'■ Name [a]  12/5' as plain Text (no markup); '■ Name [a]  5' with ``mine_only``."""
    label = Text()
    label.append("■ ", style=node.colour or "grey50")
    label.append(safe_text(node.name), style="bold" if node.is_group else "")
    if node.shortcut:
        label.append(" ")
        label.append(f"[{safe_text(node.shortcut)}]", style="bold cyan")
    every, mine = counts
    if mine_only:
        every = 0  # blind: how often others used the code is not shown
    if every or mine:
        shown = f"{mine}" if mine_only else f"{every}/{mine}"
        label.append(f"  {shown}", style="dim italic" if node.is_group else "dim")
    return label


class CodebookTree(Tree[int]):
    """Every code of the project; the data of a tree node is the code's id."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(Text("Codebook"), id=id)
        self.show_root = False
        self.guide_depth = 3
        self.auto_expand = False
        self.codes: dict[int, CodeNode] = {}
        self._collapsed: set[int] = set()
        self.mine_only = False  # blind coding: this coder's counts only

    def process_label(self, label: str | Text) -> Text:
        """Never parse a label as markup: a code may be called '[bold]x'."""
        return Text(label) if isinstance(label, str) else label

    @property
    def current(self) -> CodeNode | None:
        """The code under the cursor."""
        node = self.cursor_node
        if node is None or node.data is None:
            return None
        return self.codes.get(node.data)

    def show(self, nodes: list[CodeNode], select: int | None = None) -> None:
        """Redraw the tree from depth-first nodes, keeping the cursor on ``select``."""
        keep = select if select is not None else (self.current.id if self.current else None)
        self.clear()
        self.codes = {node.id: node for node in nodes}
        counts = subtree_counts(nodes)
        parents = {node.parent_id for node in nodes}
        branches: dict[int | None, TreeNode[int]] = {None: self.root}
        for node in nodes:
            parent = branches.get(node.parent_id, self.root)
            label = tree_label(node, counts[node.id], mine_only=self.mine_only)
            if node.id in parents:
                branch = parent.add(label, data=node.id, expand=node.id not in self._collapsed)
            else:
                branch = parent.add_leaf(label, data=node.id)
            branches[node.id] = branch
        self.root.expand()
        self.get_node_at_line(0)  # lays out the lines, so nodes know their line numbers
        target = branches.get(keep) if keep is not None else None
        if target is not None:
            parent = target.parent
            while parent is not None and parent is not self.root:
                parent.expand()
                self._collapsed.discard(parent.data or 0)
                parent = parent.parent
            self.get_node_at_line(0)
            self.move_cursor(target)
        else:
            self.cursor_line = max(self.cursor_line, 0)  # clamped to the lines there are

    def on_tree_node_collapsed(self, event: Tree.NodeCollapsed[int]) -> None:
        if event.node.data is not None:
            self._collapsed.add(event.node.data)

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[int]) -> None:
        if event.node.data is not None:
            self._collapsed.discard(event.node.data)
