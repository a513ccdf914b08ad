"""Where the coder is and what is selected: sentences, turns, extended and fine selections.

Pure Python. The default selection is the current sentence; moving by turn
selects a whole turn; ``extend`` keeps an anchor so further moves grow the
selection over several sentences or turns; the fine mode moves one edge of
the selection word by word or one character (grapheme) at a time, so any
span can be selected from the keyboard. Edges never split a grapheme cluster
(reliability.md C4-3).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

import regex

SENTENCE, TURN, FINE = "sentence", "turn", "fine"
_WORD = regex.compile(r"\w+(?:['’\-]\w+)*")
_GRAPHEME = regex.compile(r"\X", regex.DOTALL)


@dataclass(frozen=True)
class Unit:
    """A sentence (or turn) the cursor can stand on."""

    start: int
    end: int
    turn: int  # index into the turn list


class Selection:
    """The cursor over a document's sentences and turns, and the selected span."""

    def __init__(self, text: str, sentences: list[Unit], turns: list[tuple[int, int]]) -> None:
        self.text = text
        self.units = sentences or [Unit(s, e, i) for i, (s, e) in enumerate(turns)]
        self.turns = turns or [(u.start, u.end) for u in self.units]
        self._unit_starts = [u.start for u in self.units]
        self._unit_turns = [u.turn for u in self.units]
        self.mode = SENTENCE
        self.index = 0  # current unit (sentence mode) or turn (turn mode)
        self.anchor: int | None = None  # extending from this unit/turn index
        self.start, self.end = self._unit_span(0)
        self.active_end = True  # fine mode: which edge moves

    # ----------------------------------------------------------- the span
    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end

    @property
    def extending(self) -> bool:
        return self.anchor is not None

    @property
    def is_empty(self) -> bool:
        return not self.units

    def _unit_span(self, index: int) -> tuple[int, int]:
        if not self.units:
            return 0, 0
        unit = self.units[index]
        return unit.start, unit.end

    def _turn_of_unit(self, index: int) -> int:
        return self.units[index].turn if self.units else 0

    def _refresh(self) -> None:
        if not self.units:
            return
        if self.mode == TURN:
            low, high = sorted((self.anchor if self.extending else self.index, self.index))
            self.start, self.end = self.turns[low][0], self.turns[high][1]
        elif self.mode == SENTENCE:
            low, high = sorted((self.anchor if self.extending else self.index, self.index))
            self.start, self.end = self.units[low].start, self.units[high].end

    @property
    def cursor_offset(self) -> int:
        """The offset the view keeps on screen (the moving edge)."""
        if self.mode == FINE:
            return max(self.start, self.end - 1) if self.active_end else self.start
        if self.anchor is not None and self.index > self.anchor:
            return max(self.start, self.end - 1)
        return self.start

    def unit_at(self, offset: int) -> int:
        return max(0, bisect_right(self._unit_starts, offset) - 1)

    # ------------------------------------------------------------ moving
    def move_sentence(self, step: int) -> None:
        if not self.units:
            return
        if self.mode == TURN:
            if self.anchor is not None:
                # Extending: keep what is selected and grow it sentence by sentence.
                low, high = sorted((self.anchor, self.index))
                forward = self.index >= self.anchor
                first, last = self._first_unit_of_turn(low), self._last_unit_of_turn(high)
                self.anchor, self.index = (first, last) if forward else (last, first)
            else:
                # From a whole turn, the first step down selects its first sentence.
                self.index = self._first_unit_of_turn(self.index)
                step = step - 1 if step > 0 else step
            self.mode = SENTENCE
        elif self.mode == FINE:
            self.mode, self.anchor, self.index = SENTENCE, None, self.unit_at(self.start)
        self.index = min(max(0, self.index + step), len(self.units) - 1)
        self._refresh()

    def move_turn(self, step: int) -> None:
        if not self.units:
            return
        if self.mode != TURN:
            current = self._turn_of_unit(self.unit_at(self.start))
            if self.mode == SENTENCE and self.anchor is not None:
                self.anchor = self._turn_of_unit(self.anchor)
            else:
                self.anchor = None
            self.mode, self.index = TURN, current
            if step < 0 and self.start > self.turns[current][0]:
                step += 1  # the first step up selects the whole current turn
        self.index = min(max(0, self.index + step), len(self.turns) - 1)
        self._refresh()

    def _first_unit_of_turn(self, turn: int) -> int:
        return min(bisect_left(self._unit_turns, turn), len(self.units) - 1)

    def _last_unit_of_turn(self, turn: int) -> int:
        return max(0, bisect_right(self._unit_turns, turn) - 1)

    def goto(self, offset: int) -> None:
        """Select the sentence at an offset (collapsing any extension)."""
        if not self.units:
            return
        self.mode, self.anchor = SENTENCE, None
        self.index = self.unit_at(offset)
        self._refresh()

    def goto_turn(self, offset: int) -> None:
        """Select the whole turn holding an offset."""
        if not self.units:
            return
        self.mode, self.anchor = TURN, None
        self.index = max(0, bisect_right([s for s, _ in self.turns], offset) - 1)
        self._refresh()

    def goto_last(self) -> None:
        self.goto(self.units[-1].start if self.units else 0)

    def select(self, start: int, end: int) -> None:
        """An exact span (a search hit, a coding, a mouse drag): the fine mode."""
        start, end = sorted((start, end))
        start, end = _snap(self.text, start), _snap(self.text, end)
        if end <= start:
            end = _next_grapheme(self.text, start)
        self.mode, self.anchor = FINE, None
        self.start, self.end = start, min(end, len(self.text))
        self.active_end = True
        self.index = self.unit_at(start)

    def toggle_extend(self) -> None:
        """Start extending from here; pressed again, stop growing and keep what is selected."""
        if self.mode == FINE:
            return
        if self.extending:
            self.finish_extend()
        else:
            self.anchor = self.index
            self._refresh()

    def finish_extend(self) -> None:
        """Stop extending, keeping the span (after coding it, or on a second ``v``): the next
        move goes on from the moving edge instead of growing the span."""
        self.anchor = None

    def state(self) -> tuple[str, int, int | None, int, int, bool]:
        """Everything that says what is selected and how (to restore after a re-read)."""
        return self.mode, self.index, self.anchor, self.start, self.end, self.active_end

    def restore(self, state: tuple[str, int, int | None, int, int, bool]) -> None:
        """Select as ``state`` says, when it fits this text (else the span, in fine mode)."""
        mode, index, anchor, start, end, active_end = state
        limit = len(self.turns) if mode == TURN else len(self.units)
        if mode == FINE or not 0 <= index < limit or not (anchor is None or 0 <= anchor < limit):
            self.select(start, end)
            self.active_end = active_end
            return
        self.mode, self.index, self.anchor = mode, index, anchor
        self._refresh()
        if anchor is None and (start, end) != (self.start, self.end):
            # A span kept after extending: restored as it was, if it still lies on units.
            first, last = self.unit_at(start), self.unit_at(max(start, end - 1))
            if (self.units[first].start, self.units[last].end) == (start, end):
                self.start, self.end = start, end

    def toggle_fine(self) -> None:
        if self.mode == FINE:
            self.goto(self.start)
        else:
            self.select(self.start, self.end)

    def collapse(self) -> bool:
        """Step back one level (Esc): a fine selection becomes the sentence it starts in, an
        extension the sentence (or turn) at its moving edge, a turn its first sentence; True
        when something changed."""
        if self.mode == FINE:
            self.goto(self.start)
            return True
        if self.extending or self.span != self._unit_or_turn_span():
            self.anchor = None
            self._refresh()
            return True
        if self.mode == TURN:
            self.mode, self.index = SENTENCE, self._first_unit_of_turn(self.index)
            self._refresh()
            return True
        return False

    def _unit_or_turn_span(self) -> tuple[int, int]:
        if self.mode == TURN and self.turns:
            return self.turns[self.index]
        return self._unit_span(self.index)

    def swap_edge(self) -> None:
        self.active_end = not self.active_end

    def move_edge(self, step: int, *, by_word: bool) -> None:
        """Fine mode: move the active edge by words or characters (entering fine mode)."""
        if self.mode != FINE:
            self.select(self.start, self.end)
        text = self.text
        position = self.end if self.active_end else self.start
        if by_word:
            position = _word_edge(text, position, step, at_end=self.active_end)
        elif step > 0:
            position = _next_grapheme(text, position)
        else:
            position = _previous_grapheme(text, position)
        if self.active_end:
            self.end = max(position, _next_grapheme(text, self.start))
        else:
            self.start = min(position, _previous_grapheme(text, self.end))
        self.index = self.unit_at(self.start)


def _word_edge(text: str, position: int, step: int, *, at_end: bool) -> int:
    """The next (step > 0) or previous word end (at_end) or word start from position."""
    if step > 0:
        for match in _WORD.finditer(text, position, min(len(text), position + 2000)):
            edge = match.end() if at_end else match.start()
            if edge > position:
                return edge
        return len(text)
    if at_end:
        # Skip the punctuation after a word, so the first step drops a whole word.
        while position > 0 and not _WORD.match(text, position - 1, position):
            position -= 1
    window = max(0, position - 2000)
    best = window
    for match in _WORD.finditer(text, window, position):
        edge = match.end() if at_end else match.start()
        if edge < position:
            best = edge
    return best


def _snap(text: str, offset: int) -> int:
    """The grapheme boundary at or before offset."""
    offset = min(max(0, offset), len(text))
    window = max(0, offset - 16)
    boundary = window
    for match in _GRAPHEME.finditer(text, window, min(len(text), offset + 16)):
        if match.start() > offset:
            break
        boundary = match.start()
        if match.end() == offset:
            return offset
    return boundary if offset < len(text) else len(text)


def _next_grapheme(text: str, offset: int) -> int:
    match = _GRAPHEME.match(text, offset)
    return match.end() if match else len(text)


def _previous_grapheme(text: str, offset: int) -> int:
    if offset <= 0:
        return 0
    return _snap(text, offset - 1)
