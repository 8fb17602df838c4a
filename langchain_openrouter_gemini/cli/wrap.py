"""Word wrapping for text that arrives in pieces (streamed tokens), at a fixed width."""

from __future__ import annotations

__all__ = ["StreamWrapper"]


class StreamWrapper:
    """Breaks lines at spaces so no line is wider than `width`.

    Text is fed in arbitrary pieces; a word is held back until the space (or newline) after
    it shows whether it still fits, so a word split across two tokens is never broken. Words
    longer than the width are cut. Existing newlines are kept.
    """

    def __init__(self, width: int) -> None:
        self.width = max(width, 1)
        self.column = 0
        self._word = ""
        self._space = False  # a space is owed before the next word on this line
        self._indent = True  # still in the line's leading whitespace, which is kept

    def feed(self, text: str) -> str:
        """Take more text; return what can be written now."""
        out: list[str] = []
        for char in text:
            if char == "\n":
                out.append(self._take_word())
                out.append("\n")
                self.column = 0
                self._space = False
                self._indent = True
            elif char in " \t" and self._indent and not self._word:
                out.append(char)
                self.column += 1
            elif char in " \t":
                out.append(self._take_word())
                self._space = True
            else:
                self._word += char
        return "".join(out)

    def flush(self) -> str:
        """Everything held back (the current partial word)."""
        return self._take_word()

    def _take_word(self) -> str:
        word, self._word = self._word, ""
        if not word:
            return ""
        out: list[str] = []
        gap = 1 if self._space else 0
        if self.column and self.column + gap + len(word) > self.width:
            out.append("\n")
            self.column = 0
        elif gap:
            out.append(" ")
            self.column += 1
        self._space = False
        self._indent = False
        while self.column + len(word) > self.width:
            cut = self.width - self.column
            out.append(word[:cut] + "\n")
            word = word[cut:]
            self.column = 0
        out.append(word)
        self.column += len(word)
        return "".join(out)
