"""The pure parts of the workspace: wrapping, the selection cursor, the coding index."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import example, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from qualcope.domain import CodingView
from qualcope.tui.highlights import CodingIndex
from qualcope.tui.layout import LABEL, TEXT, Block, Layout, paragraphs
from qualcope.tui.selection import FINE, SENTENCE, TURN, Selection, Unit
from tests.tui.transcripts import sentences_of

TEXT_ = "Respondent: We just stopped going. It was too much! Then we wrote a letter.\n\nOk."


def selection() -> Selection:
    first, second = TEXT_.index("We"), TEXT_.index("Ok.")
    turn_end = TEXT_.index("letter.") + len("letter.")
    units = [Unit(s, e, 0) for s, e in sentences_of(TEXT_[first:turn_end], first)]
    units.append(Unit(second, len(TEXT_), 1))
    return Selection(TEXT_, units, [(first, turn_end), (second, len(TEXT_))])


@settings(max_examples=60, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("ab cé\n漢👨‍👩‍👧"), max_size=300),
    st.integers(min_value=8, max_value=40),
)
@example("aaa\u200da漢漢漢\u200d", 8)  # as many cells as characters, but not one each
def test_wrapping_shows_every_character_once_within_the_width(text: str, width: int) -> None:
    layout = Layout(text, paragraphs(text) or [Block(0, len(text))], width)
    covered: list[int] = []
    for kind, start, end in zip(layout.kinds, layout.starts, layout.ends, strict=True):
        if kind == TEXT:
            assert cell_len(text[start:end].rstrip()) <= width
            covered.extend(range(start, end))
    assert covered == sorted(set(covered))
    assert {i for i in range(len(text)) if not text[i].isspace()} <= set(covered)


def test_labels_dim_interviewer_blocks_and_offsets_map_back() -> None:
    text = "Interviewer: Why?\n\nRespondent: Because the city decided it without us."
    blocks = [Block(13, 17, "Interviewer", True), Block(31, len(text), "Respondent")]
    layout = Layout(text, blocks, 12)
    assert layout.kinds[0] == LABEL
    line = layout.line_of(text.index("decided"))
    shown = text[layout.starts[line] : layout.ends[line]]
    assert shown == "city decided "
    assert layout.offset_at(line, shown.index("decided") + 2) == text.index("decided") + 2


def test_moves_by_sentence_turn_extend_and_fine_edges() -> None:
    sel = selection()
    assert TEXT_[slice(*sel.span)] == "We just stopped going."
    sel.move_sentence(1)
    assert TEXT_[slice(*sel.span)] == "It was too much!"
    sel.toggle_extend()
    sel.move_sentence(1)
    assert TEXT_[slice(*sel.span)] == "It was too much! Then we wrote a letter."
    sel.move_turn(1)
    assert sel.mode == TURN and TEXT_[slice(*sel.span)].endswith("Ok.")
    assert sel.collapse() and not sel.extending
    sel.goto(0)
    sel.move_edge(-1, by_word=True)
    assert sel.mode == FINE and TEXT_[slice(*sel.span)] == "We just stopped"
    sel.swap_edge()
    sel.move_edge(1, by_word=True)
    assert TEXT_[slice(*sel.span)] == "just stopped"
    sel.move_edge(1, by_word=False)
    assert TEXT_[slice(*sel.span)] == "ust stopped"
    sel.toggle_fine()
    assert sel.mode == SENTENCE


def test_fine_edges_never_split_a_grapheme() -> None:
    text = "a👨‍👩‍👧b e\u0301z"
    sel = Selection(text, [Unit(0, len(text), 0)], [(0, len(text))])
    sel.select(0, 2)  # inside the family emoji: snapped to its start
    assert sel.span == (0, 1) or text[slice(*sel.span)] == "a"
    sel.move_edge(1, by_word=False)
    assert text[slice(*sel.span)] == "a👨‍👩‍👧"
    sel.select(text.index("e"), text.index("e") + 1)
    assert text[slice(*sel.span)] == "e\u0301"


def coding(cid: int, start: int, end: int, code: int = 1) -> CodingView:
    return CodingView(
        cid,
        f"g{cid}",
        1,
        start,
        end,
        "",
        code,
        "c",
        "#ff0000",
        "ana",
        "",
        "manual",
        datetime.now(UTC),
    )


def test_coding_index_finds_overlaps_and_replaces_a_region() -> None:
    index = CodingIndex([coding(1, 0, 10), coding(2, 5, 2000), coding(3, 1500, 1600)])
    assert [c.id for c in index.overlapping(8, 9)] == [1, 2]
    assert [c.id for c in index.overlapping(1550, 1551)] == [2, 3]
    index.replace_region(1400, 1700, [coding(4, 1450, 1460)])
    assert [c.id for c in index.all()] == [1, 4]
    assert index.next_of_code(1, 1455) is not None


def test_the_tui_never_touches_the_database_layer_and_only_it_imports_textual() -> None:
    import ast
    from pathlib import Path

    package = Path(__file__).resolve().parents[2] / "qualcope"
    for path in package.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {
            (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in node.names
        }
        roots = {name.split(".")[0] for name in imported} | {
            ".".join(name.split(".")[:2]) for name in imported
        }
        if "tui" in path.relative_to(package).parts:
            assert "sqlalchemy" not in roots and "qualcope.db" not in roots, path
        else:
            assert "textual" not in roots, path
