"""The code tree panel: every code with its colour and shortcut; Enter applies a code.

Code names come from codebook files and are untrusted: labels are ``Text``
objects (never markup) with control characters replaced. A shortcut taken
by a workspace key (``actions.RESERVED_KEYS``) is shown struck through.
"""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from qualcope.domain import CodeNode
from qualcope.tui.widgets.transcript import safe_text


def code_label(node: CodeNode, reserved: frozenset[str] = frozenset()) -> Text:
    """'■ Name [a]' in the code's colour (plain text, no markup)."""
    label = Text()
    if not node.is_group:
        label.append("■ ", style=node.colour or "grey50")
    label.append(safe_text(node.name), style="bold" if node.is_group else "")
    if node.shortcut:
        taken = node.shortcut in reserved
        label.append(" ")
        label.append(
            f"[{safe_text(node.shortcut)}]",
            style="dim strike" if taken else "bold",
        )
    return label


class CodeTree(Tree[CodeNode]):
    """The codebook as a tree; selecting a code (Enter, click) posts CodeChosen."""

    class CodeChosen(Message):
        def __init__(self, code: CodeNode) -> None:
            super().__init__()
            self.code = code

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__("Codes", id=id)
        self.show_root = False
        self.guide_depth = 2
        self.auto_expand = False

    def set_codes(self, nodes: list[CodeNode], reserved: frozenset[str] = frozenset()) -> None:
        """Show the codes; only the groups holding a code with a shortcut start expanded."""
        self.clear()
        by_id = {node.id: node for node in nodes}
        with_children = {node.parent_id for node in nodes if node.parent_id is not None}
        expanded: set[int] = set()
        for node in nodes:
            if node.shortcut and not node.is_group:
                parent = node.parent_id
                while parent is not None and parent not in expanded:
                    expanded.add(parent)
                    parent = by_id[parent].parent_id if parent in by_id else None
        parents: dict[int, TreeNode[CodeNode]] = {}
        for node in nodes:
            parent = parents.get(node.parent_id or -1, self.root)
            label = code_label(node, reserved)
            if node.id in with_children:
                parents[node.id] = parent.add(label, node, expand=node.id in expanded)
            else:
                parent.add_leaf(label, node)

    def on_tree_node_selected(self, event: Tree.NodeSelected[CodeNode]) -> None:
        event.stop()
        node = event.node
        if node.data is not None and not node.data.is_group:
            self.post_message(self.CodeChosen(node.data))
        else:
            node.toggle()
