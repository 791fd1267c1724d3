"""Reading a hostile CSV row by row, in bounded memory, without ever losing a row silently.

- **Line ends**: ``\\n``, ``\\r\\n`` and a bare ``\\r`` (old Mac) all end a physical line, mixed in one
  file if need be; line numbers are physical line numbers, as a text editor shows them.
- **Bounded memory**: the file is read in 64 KiB blocks; a physical line longer than
  :data:`MAX_LINE_BYTES` is not kept: its first bytes are, the rest is read through and dropped, and
  the row is reported as unreadable with its length. A 200 MB file without a single line break
  therefore costs about one block of memory, not 200 MB.
- **Quotes**: a record whose quotes are unbalanced may continue on the next lines (a quoted field
  with a line break), but only if the lines joined form a record of exactly the header's width,
  within :data:`MAX_CONTINUATION` lines. Otherwise the quote is a stray one: that line alone is read
  without quote handling (a warning says so) or rejected, and the following lines are read again on
  their own — one stray quote costs at most its own line, never the rows after it.
- **Encodings**: UTF-8 (BOM or not), UTF-16 with BOM, Windows-1252; a line that is not valid in the
  file's encoding is decoded as Windows-1252 and counted (``mixed``).
- NUL bytes are data like any other: the row is read (its fields then fail validation, if at all).
"""
from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass
from typing import BinaryIO, Iterator

MAX_LINE_BYTES = 80_000
MAX_CONTINUATION = 20
BLOCK = 1 << 16
_EOL = re.compile(rb"\r\n|\r|\n")
_EOL_TEXT = re.compile(r"\r\n|\r|\n")


@dataclass(slots=True)
class Record:
    """One data row: its first physical line, its fields (None if unreadable) and why."""

    line: int
    fields: list[str] | None
    problem: str = ""  # unreadable: the reason; read with a repair: the warning


class PhysicalLines:
    """Decoded physical lines ``(number, text, length in bytes)`` of a binary stream."""

    def __init__(self, f: BinaryIO, encoding: str, skip_bom: bool, limit: int = MAX_LINE_BYTES):
        self.f = f
        self.encoding = encoding
        self.skip_bom = skip_bom
        self.limit = limit
        self.bytes_read = 0
        self.mixed = 0

    def __iter__(self) -> Iterator[tuple[int, str, int]]:
        raw = self._utf16() if self.encoding == "utf-16" else self._bytes()
        for no, (data, size) in enumerate(raw, start=1):
            if isinstance(data, str):
                yield no, data, size
                continue
            if no == 1 and self.skip_bom and data.startswith(codecs.BOM_UTF8):
                data = data[3:]
            try:
                text = data.decode(self.encoding)
            except UnicodeDecodeError:
                if size > len(data):  # a cut line may end inside a multi-byte character
                    text = data.decode(self.encoding, errors="ignore")
                else:
                    self.mixed += 1
                    text = data.decode("cp1252", errors="replace")
            yield no, text, size

    def _bytes(self) -> Iterator[tuple[bytes, int]]:
        buf = b""
        long_head: bytes | None = None  # inside an overlong line: its first bytes
        long_size = 0
        eof = False
        while True:
            if not eof:
                block = self.f.read(BLOCK)
                self.bytes_read += len(block)
                eof = not block
                buf += block
            pos = 0
            while True:
                m = _EOL.search(buf, pos)
                if m is None or (m.group() == b"\r" and m.end() == len(buf) and not eof):
                    break  # no line end yet (or a CR that may be the first half of CRLF)
                piece = buf[pos:m.start()]
                if long_head is not None:
                    yield long_head, long_size + len(piece)
                    long_head, long_size = None, 0
                elif len(piece) > self.limit:
                    yield piece[: self.limit], len(piece)
                else:
                    yield piece, len(piece)
                pos = m.end()
            rest = buf[pos:]
            if long_head is not None:
                long_size += len(rest) - (1 if rest.endswith(b"\r") else 0)
                buf = b"\r" if rest.endswith(b"\r") else b""
            elif len(rest) > self.limit:
                long_head, long_size = rest[: self.limit], len(rest) - (1 if rest.endswith(b"\r") else 0)
                buf = b"\r" if rest.endswith(b"\r") else b""
            else:
                buf = rest
            if eof:
                if long_head is not None:
                    yield long_head, long_size
                elif buf:
                    yield buf, len(buf)
                return

    def _utf16(self) -> Iterator[tuple[str, int]]:
        import io

        text = io.TextIOWrapper(self.f, encoding="utf-16", errors="replace", newline="")
        chars = self.limit
        while True:
            line = text.readline(chars)
            if not line:
                return
            self.bytes_read += 2 * len(line)
            size = len(line)
            if not _EOL_TEXT.search(line[-2:] if line else "") and len(line) >= chars:
                while True:  # an overlong line: read through, keep its head
                    more = text.readline(chars)
                    self.bytes_read += 2 * len(more)
                    size += len(more)
                    if not more or more.endswith(("\n", "\r")):
                        break
                yield line[:chars], 2 * size
                continue
            yield line.rstrip("\r\n"), 2 * size


class _Pushback:
    def __init__(self, it: Iterator):
        self.it = it
        self.back: list = []

    def __iter__(self):
        return self

    def __next__(self):
        return self.back.pop() if self.back else next(self.it)

    def push(self, item) -> None:
        self.back.append(item)


def _parse(text: str, sep: str) -> list[str] | None:
    try:
        return next(csv.reader([text], delimiter=sep, strict=False), [])
    except csv.Error:
        return None


def records(lines: Iterator[tuple[int, str, int]], sep: str, width: int, limit: int = MAX_LINE_BYTES,
            max_chars: int = 20_000) -> Iterator[Record]:
    """Data records of physical ``lines`` (the header already consumed), ``width`` fields wide."""
    src = _Pushback(iter(lines))
    for no, text, size in src:
        if size > limit:
            yield Record(no, None, f"ligne de {size:,} octets (au plus {limit:,}) : ignorée — fichier sans "
                                   f"retours à la ligne ou données collées ?".replace(",", "\u202f"))
            continue
        if text.count('"') % 2 == 0:
            fields = _parse(text, sep)
            yield Record(no, fields, "" if fields is not None else "ligne illisible (guillemets)")
            continue
        # unbalanced quotes: a quoted field may go on over the next lines
        parts, taken, fields = [text], [], None
        while len(taken) < MAX_CONTINUATION and sum(map(len, parts)) <= max_chars:
            nxt = next(src, None)
            if nxt is None:
                break
            taken.append(nxt)
            if nxt[2] > limit:
                break
            parts.append(nxt[1])
            if nxt[1].count('"') % 2:  # quotes balanced again: the record may end here
                joined = _parse("\n".join(parts), sep)
                if joined is not None and len(joined) == width:
                    fields = joined
                break
        if fields is not None:
            yield Record(no, fields)
            continue
        for item in reversed(taken):  # a stray quote: the next lines are rows of their own
            src.push(item)
        plain = next(csv.reader([text], delimiter=sep, quoting=csv.QUOTE_NONE), [])
        if len(plain) == width:
            yield Record(no, [f.replace('"', "") for f in plain],
                         "guillemet isolé (jamais fermé) : ligne lue sans tenir compte des guillemets")
        else:
            yield Record(no, None, f"guillemet jamais fermé et {len(plain)} champs au lieu de {width} : "
                                   "ligne illisible")
