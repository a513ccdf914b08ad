"""The transcript view: a virtualised, wrapped, highlighted reading of one document.

A Line API widget: it draws only the lines on screen from a precomputed
``Layout`` (re-wrapped when the width changes), so the cost of a key press
does not grow with the document. Codings are tinted in their code colours
(the innermost one colours the text, overlaps are underlined, and a two-cell
stripe gutter shows up to two codes per line); the selection, search hits
and the current coding have their own component styles. Transcript text is
untrusted: it becomes plain ``Segment`` text (never markup), and control
characters (ESC, C1) are shown as U+FFFD so nothing reaches the terminal raw
(reliability.md C8).
"""

from __future__ import annotations

from bisect import bisect_left
from time import perf_counter

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.color import Color
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from qualcope.domain import CodingView
from qualcope.tui.highlights import CodingIndex
from qualcope.tui.layout import LABEL, TEXT, Layout

GUTTER = 3
_UNSAFE = {code: "\ufffd" for code in (*range(0x00, 0x20), *range(0x7F, 0xA0))}
_UNSAFE[ord("\t")] = " "
_UNSAFE[ord("\n")] = " "
for _code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)):  # bidi overrides (C8-3)
    _UNSAFE[_code] = "\ufffd"
SAFE_TABLE = str.maketrans(_UNSAFE)


def safe_text(text: str) -> str:
    """Text with every control character replaced, same length (offsets unchanged)."""
    return text.translate(SAFE_TABLE)


class TranscriptView(ScrollView, can_focus=True, inherit_bindings=False):
    """Shows a Layout; the screen owns the selection and tells the view what to draw."""

    COMPONENT_CLASSES = {
        "transcript--selection",
        "transcript--edge",
        "transcript--hit",
        "transcript--speaker",
        "transcript--interviewer",
        "transcript--current-coding",
    }

    class SpanPicked(Message):
        """The mouse selected [start, end) (final when the button is released)."""

        def __init__(self, start: int, end: int, final: bool) -> None:
            super().__init__()
            self.start, self.end, self.final = start, end, final

    class Clicked(Message):
        """A click (no drag) on the character at offset."""

        def __init__(self, offset: int) -> None:
            super().__init__()
            self.offset = offset

    class WidthChanged(Message):
        """The text width changed: the screen re-wraps (possibly in a worker)."""

        def __init__(self, width: int) -> None:
            super().__init__()
            self.width = width

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.layout_: Layout | None = None
        self.codings = CodingIndex()
        self.selection: tuple[int, int] = (0, 0)
        self.edge: int | None = None  # the moving edge in fine mode
        self.hits: list[tuple[int, int]] = []
        self.current_coding: CodingView | None = None
        self.placeholder = "Loading…"
        self._cache: dict[int, Strip] = {}
        self._tints: dict[tuple[str | None, bool], Style] = {}
        self._drag_from: int | None = None
        self._dragged = False
        self.painted_at: float | None = None  # perf_counter() of the first line drawn

    def on_mount(self) -> None:
        self.watch(self.app, "theme", self._theme_changed, init=False)

    def _theme_changed(self) -> None:
        self._tints.clear()
        self.redraw()

    # ------------------------------------------------------------- feeding
    @property
    def text_width(self) -> int:
        return max(8, self.scrollable_content_region.width - GUTTER - 1)

    def show(self, layout: Layout, codings: CodingIndex) -> None:
        self.layout_ = layout
        self.codings = codings
        self.painted_at = None
        self.virtual_size = Size(self.scrollable_content_region.width, len(layout))
        self.redraw()

    def set_layout(self, layout: Layout) -> None:
        self.layout_ = layout
        self.virtual_size = Size(self.scrollable_content_region.width, len(layout))
        self.redraw()
        self.keep_visible(self.edge if self.edge is not None else self.selection[0])

    def set_selection(
        self, start: int, end: int, *, edge: int | None = None, keep: int | None = None
    ) -> None:
        """Draw the selection and scroll so it shows (the whole of it when it fits)."""
        self.selection = (start, end)
        self.edge = edge
        self.redraw()
        self.keep_visible(keep if keep is not None else start, start, max(start, end - 1))

    def set_hits(self, hits: list[tuple[int, int]]) -> None:
        self.hits = sorted(hits)
        self.redraw()

    def redraw(self) -> None:
        self._cache.clear()
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self._tints.clear()
        if self.layout_ is not None and self.layout_.width != self.text_width:
            self.post_message(self.WidthChanged(self.text_width))

    # ----------------------------------------------------------- scrolling
    def keep_visible(self, offset: int, first: int | None = None, last: int | None = None) -> None:
        """Scroll as little as possible so the line of offset is on screen with some context;
        when the span first..last fits as well (with its speaker label), show all of it."""
        layout = self.layout_
        if layout is None or not len(layout):
            return
        height = max(1, self.scrollable_content_region.height)
        margin = min(3, height // 4)
        focus = layout.line_of(offset)
        low = high = focus
        if first is not None and last is not None:
            span_low, span_high = layout.line_of(first), layout.line_of(last)
            if span_low > 0 and layout.kinds[span_low - 1] == LABEL:
                span_low -= 1
            if span_high - span_low + 1 <= height - 2 * margin:
                low, high = min(span_low, focus), max(span_high, focus)
        top = int(self.scroll_y)
        if focus < top - 1 or focus > top + height:
            # A jump (search hit, page, next uncoded turn): put it a third of the way down.
            top = max(0, min(low, focus - height // 3))
        if low < top + margin:
            top = max(0, low - margin)
        if high >= top + height - margin:
            top = high - height + margin + 1
        if focus < top or focus >= top + height:  # a long span: the moving edge wins
            top = max(0, focus - margin)
        if top != int(self.scroll_y):
            self.scroll_to(y=top, animate=False, immediate=True)

    def line_page(self) -> int:
        return max(1, self.scrollable_content_region.height - 2)

    def offset_at_line(self, line: int) -> int:
        if self.layout_ is None or not len(self.layout_):
            return 0
        line = min(max(0, line), len(self.layout_) - 1)
        return self.layout_.starts[line]

    def cursor_line(self, offset: int) -> int:
        return self.layout_.line_of(offset) if self.layout_ is not None else 0

    # ------------------------------------------------------------- drawing
    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        line = scroll_y + y
        base = self.rich_style
        layout = self.layout_
        if layout is None or line >= len(layout):
            if layout is None and y == 0:
                return Strip([Segment(self.placeholder, base)]).crop_extend(0, width, base)
            return Strip.blank(width, base)
        if self.painted_at is None:
            self.painted_at = perf_counter()
        strip = self._cache.get(line)
        if strip is None:
            strip = self._render(line, base)
            if len(self._cache) > 2000:
                self._cache.clear()
            self._cache[line] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def _render(self, line: int, base: Style) -> Strip:
        layout = self.layout_
        assert layout is not None
        kind, start, end = layout.kinds[line], layout.starts[line], layout.ends[line]
        block = layout.block_list[layout.blocks[line]]
        dim = (
            self.get_component_rich_style("transcript--interviewer")
            if block.interviewer or block.preamble
            else None
        )
        if kind == LABEL:
            name = safe_text(block.speaker or "")
            style = self.get_component_rich_style("transcript--speaker")
            return Strip([Segment(" " * GUTTER, base), Segment(name, style + (dim or Style()))])
        if kind != TEXT or end <= start:
            return Strip([Segment(" ", base)])
        codings = self.codings.overlapping(start, end)
        segments = self._gutter(codings, base)
        segments.extend(self._text_segments(start, end, codings, base, dim))
        return Strip(segments)

    def _gutter(self, codings: list[CodingView], base: Style) -> list[Segment]:
        colours: list[str | None] = []
        for coding in codings:
            if coding.colour not in colours:
                colours.append(coding.colour)
        cells = []
        for colour in colours[:2]:
            cells.append(Segment("▌", base + Style(color=self._colour(colour).rich_color)))
        if len(colours) > 2:
            cells[-1] = Segment("+", cells[-1].style)
        cells.append(Segment(" " * (GUTTER - len(cells)), base))
        return cells

    def _text_segments(
        self,
        start: int,
        end: int,
        codings: list[CodingView],
        base: Style,
        dim: Style | None,
    ) -> list[Segment]:
        sel_start, sel_end = self.selection
        hits = self._hits_in(start, end)
        current = self.current_coding
        cuts = {start, end}
        for a, b in [(c.start, c.end) for c in codings] + hits + [(sel_start, sel_end)]:
            cuts.update(x for x in (a, b) if start < x < end)
        if current is not None:
            cuts.update(x for x in (current.start, current.end) if start < x < end)
        if self.edge is not None and start <= self.edge < end:
            cuts.update(x for x in (self.edge, self.edge + 1) if start < x < end)
        points = sorted(cuts)
        text = self.layout_.text if self.layout_ is not None else ""
        sel_style = self.get_component_rich_style("transcript--selection", partial=True)
        out: list[Segment] = []
        for a, b in zip(points, points[1:], strict=False):
            style = dim if dim else base
            active = [c for c in codings if c.start <= a and c.end >= b]
            if active:
                inner = min(active, key=lambda c: (c.end - c.start, -c.start))
                style += self._tint(inner.colour, len(active) > 1)
            if current is not None and current.start <= a and current.end >= b:
                style += self.get_component_rich_style("transcript--current-coding", partial=True)
            if any(h_start <= a and h_end >= b for h_start, h_end in hits):
                style += self.get_component_rich_style("transcript--hit", partial=True)
            if sel_start <= a and sel_end >= b:
                style += sel_style
            if self.edge is not None and a == self.edge:
                style += self.get_component_rich_style("transcript--edge", partial=True)
            out.append(Segment(safe_text(text[a:b]), style))
        return out

    def _hits_in(self, start: int, end: int) -> list[tuple[int, int]]:
        if not self.hits:
            return []
        index = max(0, bisect_left(self.hits, (start, 0)) - 1)
        found = []
        for hit in self.hits[index:]:
            if hit[0] >= end:
                break
            if hit[1] > start:
                found.append(hit)
        return found

    def _colour(self, colour: str | None) -> Color:
        try:
            return Color.parse(colour) if colour else Color(128, 128, 128)
        except Exception:  # noqa: BLE001 - a bad colour in the codebook must not break drawing
            return Color(128, 128, 128)

    def _tint(self, colour: str | None, overlap: bool) -> Style:
        key = (colour, overlap)
        style = self._tints.get(key)
        if style is None:
            background = self.background_colors[1]
            tint = background.blend(self._colour(colour), 0.45)
            style = Style(
                bgcolor=tint.rich_color,
                color=tint.get_contrast_text(1.0).rich_color,
                underline=overlap,
            )
            self._tints[key] = style
        return style

    # --------------------------------------------------------------- mouse
    def _offset_at(self, event: events.MouseEvent) -> int | None:
        if self.layout_ is None or not len(self.layout_):
            return None
        scroll_x, scroll_y = self.scroll_offset
        return self.layout_.offset_at(scroll_y + event.y, scroll_x + event.x - GUTTER)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        offset = self._offset_at(event)
        if offset is None or event.button != 1:
            return
        self.focus()
        self._drag_from, self._dragged = offset, False
        self.capture_mouse()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._drag_from is None:
            return
        offset = self._offset_at(event)
        if offset is None or offset == self._drag_from:
            return
        self._dragged = True
        low, high = sorted((self._drag_from, offset))
        self.post_message(self.SpanPicked(low, high + 1, final=False))

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._drag_from is None:
            return
        self.release_mouse()
        offset = self._offset_at(event)
        origin, self._drag_from = self._drag_from, None
        if offset is None:
            return
        if self._dragged:
            low, high = sorted((origin, offset))
            self.post_message(self.SpanPicked(low, high + 1, final=True))
        else:
            self.post_message(self.Clicked(offset))

    def region_of(self, offset: int) -> Region:
        line = self.cursor_line(offset)
        return Region(0, line, self.scrollable_content_region.width, 1)
