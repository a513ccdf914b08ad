"""The wrapped layout of a transcript: which characters sit on which screen line.

Pure Python (no Textual), so it can be measured and tested on its own. A
document is a sequence of blocks (speaker turns, or paragraphs when a
document has no turns); each block gets a speaker label line (unless its text
already starts with the speaker's name), its text wrapped at word
boundaries, and a blank line. Lines keep offsets into the canonical text, so
the view renders only the lines on screen and maps a mouse position back to
a character. Wrapping 50,000 words takes a few tens of milliseconds; it is
redone only when the width changes.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from rich.cells import cell_len, get_character_cell_size

TEXT, LABEL, BLANK = 0, 1, 2
_WORD = re.compile(r"\S+\s*|\s+")


@dataclass(frozen=True)
class Block:
    """A turn or paragraph: [start, end) of the text, said by speaker; or a preamble (a
    title, a date line, a footer: nobody's words, shown dimmed like the interviewer's)."""

    start: int
    end: int
    speaker: str | None = None
    interviewer: bool = False
    preamble: bool = False


def paragraphs(text: str) -> list[Block]:
    """Blocks for a document without turns: its non-empty lines."""
    blocks: list[Block] = []
    position = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            blocks.append(Block(position + lead, position + lead + len(stripped)))
        position += len(line) + 1
    return blocks


class Layout:
    """Screen lines of a document at one width.

    ``kinds[i]``, ``starts[i]``, ``ends[i]`` and ``blocks[i]`` describe line i:
    a text line shows ``text[starts[i]:ends[i]]``; a label line shows the
    speaker of ``blocks[i]``; a blank line separates blocks.
    """

    def __init__(self, text: str, blocks: list[Block], width: int) -> None:
        self.text = text
        self.block_list = blocks
        self.width = max(8, width)
        self.kinds: list[int] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.blocks: list[int] = []
        self._text_starts: list[int] = []  # start offset of each text line
        self._text_lines: list[int] = []  # its line number
        for index, block in enumerate(blocks):
            self._add_block(index, block)

    def __len__(self) -> int:
        return len(self.kinds)

    def _emit(self, kind: int, block: int, start: int, end: int) -> None:
        if kind == TEXT:
            self._text_starts.append(start)
            self._text_lines.append(len(self.kinds))
        self.kinds.append(kind)
        self.blocks.append(block)
        self.starts.append(start)
        self.ends.append(end)

    def _add_block(self, index: int, block: Block) -> None:
        body = self.text[block.start : block.end]
        if block.speaker and not body.lstrip().startswith(block.speaker):
            self._emit(LABEL, index, block.start, block.start)
        position = block.start
        for hard_line in body.split("\n"):
            self._wrap(index, position, hard_line)
            position += len(hard_line) + 1
        self._emit(BLANK, index, block.end, block.end)

    def _wrap(self, index: int, offset: int, line: str) -> None:
        width = self.width
        if len(line) <= width and (line.isascii() or cell_len(line) <= width):
            self._emit(TEXT, index, offset, offset + len(line))
            return
        # Equal totals are not enough ('\u200d' is 0 cells, '漢' 2): every character is 1.
        if line.isascii() or all(get_character_cell_size(char) == 1 for char in line):
            self._wrap_narrow(index, offset, line)
        else:
            self._wrap_cells(index, offset, line)

    def _wrap_narrow(self, index: int, offset: int, line: str) -> None:
        """One cell per character: jump a line at a time to the last space that fits."""
        width, size, position = self.width, len(line), 0
        while size - position > width:
            cut = line.rfind(" ", position, position + width + 1)
            if cut <= position:  # no space: a word longer than the line is split
                end = position + width
                while end < size and line[end] == " ":
                    end += 1
            else:
                end = cut + 1
                while end < size and line[end] == " ":
                    end += 1
            self._emit(TEXT, index, offset + position, offset + end)
            position = end
        if position < size or not size:
            self._emit(TEXT, index, offset + position, offset + size)

    def _wrap_cells(self, index: int, offset: int, line: str) -> None:
        """Wide or zero-width characters: word by word, measuring cells."""
        width = self.width
        line_start = 0
        used = 0
        for match in _WORD.finditer(line):
            word_start, word_end = match.span()
            word = match.group()
            visible = word.rstrip()
            trailing = len(word) - len(visible)
            cells = cell_len(visible)
            if used and used + cells > width:
                self._emit(TEXT, index, offset + line_start, offset + word_start)
                line_start, used = word_start, 0
            while cells > width:  # a word longer than the line: split it
                cut = _cut(visible, width)
                self._emit(TEXT, index, offset + word_start, offset + word_start + cut)
                word_start += cut
                visible = visible[cut:]
                line_start = word_start
                cells = cell_len(visible)
            used += cells + trailing
        self._emit(TEXT, index, offset + line_start, offset + len(line))

    # ------------------------------------------------------------- lookups
    def line_of(self, offset: int) -> int:
        """The line showing the character at offset (the nearest text line before it)."""
        if not self._text_starts:
            return 0
        index = max(0, bisect_right(self._text_starts, offset) - 1)
        return self._text_lines[index]

    def offset_at(self, line: int, column: int) -> int:
        """The character offset under a cell of a line (clamped to the line)."""
        line = min(max(0, line), len(self.kinds) - 1)
        start, end = self.starts[line], self.ends[line]
        if self.kinds[line] != TEXT:
            return start
        cells = 0
        for position in range(start, end):
            cells += cell_len(self.text[position])
            if cells > column:
                return position
        return end


def _cut(word: str, width: int) -> int:
    cells = 0
    for index, char in enumerate(word):
        cells += cell_len(char)
        if cells > width:
            return max(1, index)
    return len(word)
