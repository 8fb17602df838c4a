"""Server-sent events: the bytes of a stream, cut into lines as the SSE spec says.

Lines end at CR, LF or CRLF and nowhere else. `str.splitlines()` (and httpx's
`iter_lines()`, built on the same rule) also breaks at U+2028, U+2029 and U+0085, which
JSON strings inside a `data:` line may hold raw, and at the controls VT, FF, FS, GS and
RS: that would cut an event in two. `SSELineDecoder` is fed the network reads as they
come, whole buffers at a time, so the sync and async transports split every stream the
same way.
"""

from __future__ import annotations

__all__ = ["SSELineDecoder"]

_CR = 13
_BOM = "\ufeff"


class SSELineDecoder:
    """Turns byte chunks into SSE lines (text, without their line ending).

    A line may end in one chunk and its CRLF straddle into the next, and a UTF-8
    character may be split across chunks: bytes are only decoded once their whole line
    has arrived (CR and LF never occur inside a multibyte UTF-8 sequence). Undecodable
    bytes become U+FFFD, as the spec asks. A byte-order mark at the very start is dropped.
    """

    __slots__ = ("_pending", "_skip_lf", "_started")

    def __init__(self) -> None:
        """Start a decoder for one stream."""
        # Pieces of the unfinished last line: joined once its end arrives, so a long line
        # read in many small pieces is copied once, not once per piece.
        self._pending: list[bytes] = []
        self._skip_lf = False  # the last chunk ended with CR; an LF next is its CRLF
        self._started = False

    def feed(self, data: bytes) -> list[str]:
        """Consume one network read; return the lines it completes."""
        if not data:
            return []
        if self._skip_lf:
            self._skip_lf = False
            if data[0] == 10:
                data = data[1:]
                if not data:
                    return []
        if data[-1] == 10:  # the usual read: whole lines, ending with LF
            if self._pending:
                self._pending.append(data)
                data = b"".join(self._pending)
                self._pending = []
            return self._lines(data)
        end = max(data.rfind(b"\n"), data.rfind(b"\r"))
        if end < 0:
            self._pending.append(data)
            return []
        complete = data[: end + 1]
        if self._pending:
            self._pending.append(complete)
            complete = b"".join(self._pending)
            self._pending = []
        if end + 1 < len(data):
            self._pending.append(data[end + 1 :])
        elif data[end] == _CR:
            self._skip_lf = True
        return self._lines(complete)

    def close(self) -> list[str]:
        """End of stream: the last line if it had no line ending (else nothing)."""
        if not self._pending:
            return []
        rest = b"".join(self._pending)
        self._pending = []
        return self._lines(rest + b"\n")

    def _lines(self, complete: bytes) -> list[str]:
        # `complete` ends with a line ending; bytes.split-like work on the whole buffer.
        text = complete.decode("utf-8", "replace")
        if not self._started:
            self._started = True
            if text.startswith(_BOM):
                text = text[1:]
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        lines = text.split("\n")
        lines.pop()  # the empty piece after the final line ending
        return lines
