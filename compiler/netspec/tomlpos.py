"""Where each key and value of a TOML file stands: the positions `tomllib` does not give.

`tomllib` parses (and is the judge of syntax); this scanner walks the same, already
valid text once more and records the 1-based line and column of every key and value,
by the pointer a JSON Schema error uses: ("suppress", 0, "reason"). Arrays of tables
(`[[suppress]]`) and arrays count their items; inline tables and dotted keys nest.
Only positions are read here, never values, so a scanner slip costs a location (the
nearest ancestor is used instead), never a wrong setting.
"""

from __future__ import annotations

import re

Pointer = tuple[str | int, ...]
Mark = tuple[int, int]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR_END = re.compile(r"[,\]}\n#]")


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.keys: dict[Pointer, Mark] = {}
        self.values: dict[Pointer, Mark] = {}
        self._array_tables: dict[Pointer, int] = {}

    # -- positions -------------------------------------------------------------
    def mark(self, pos: int | None = None) -> Mark:
        pos = self.pos if pos is None else pos
        line_start = self.text.rfind("\n", 0, pos) + 1
        return self.text.count("\n", 0, pos) + 1, pos - line_start + 1

    def peek(self, count: int = 1) -> str:
        return self.text[self.pos:self.pos + count]

    def skip_blank(self, *, newlines: bool) -> None:
        """Skip spaces and tabs, comments, and (when `newlines`) line breaks."""
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char in " \t" or (newlines and char in "\r\n"):
                self.pos += 1
            elif char == "#":
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end < 0 else end
            else:
                return

    # -- keys -------------------------------------------------------------------
    def key(self) -> list[tuple[str, Mark]]:
        """A dotted key: its parts, each with where it starts."""
        parts = []
        while True:
            self.skip_blank(newlines=False)
            start = self.mark()
            if self.peek() in ('"', "'"):
                parts.append((self.string(), start))
            else:
                match = _BARE_KEY.match(self.text, self.pos)
                if not match:
                    raise ValueError(f"no key at {start}")
                parts.append((match.group(), start))
                self.pos = match.end()
            self.skip_blank(newlines=False)
            if self.peek() != ".":
                return parts
            self.pos += 1

    def string(self) -> str:
        """A basic, literal or multi-line string at pos; returns its content (escapes left as written)."""
        quote = self.peek()
        triple = self.peek(3) == quote * 3
        delimiter = quote * 3 if triple else quote
        self.pos += len(delimiter)
        start = self.pos
        while self.pos < len(self.text):
            if quote == '"' and self.text[self.pos] == "\\":
                self.pos += 2
                continue
            if self.text.startswith(delimiter, self.pos):
                # A multi-line string may end with up to two extra quotes before its delimiter.
                while triple and self.text.startswith(quote, self.pos + len(delimiter)):
                    self.pos += 1
                content = self.text[start:self.pos]
                self.pos += len(delimiter)
                return content
            self.pos += 1
        raise ValueError("unterminated string")

    # -- values -----------------------------------------------------------------
    def value(self, pointer: Pointer) -> None:
        self.skip_blank(newlines=False)
        self.values.setdefault(pointer, self.mark())
        char = self.peek()
        if char == "[":
            self.array(pointer)
        elif char == "{":
            self.inline_table(pointer)
        elif char in ('"', "'"):
            self.string()
        else:
            match = _SCALAR_END.search(self.text, self.pos)
            self.pos = len(self.text) if match is None else match.start()

    def array(self, pointer: Pointer) -> None:
        self.pos += 1
        index = 0
        while True:
            self.skip_blank(newlines=True)
            if self.peek() == "]":
                self.pos += 1
                return
            self.value(pointer + (index,))
            index += 1
            self.skip_blank(newlines=True)
            if self.peek() == ",":
                self.pos += 1

    def inline_table(self, pointer: Pointer) -> None:
        self.pos += 1
        while True:
            self.skip_blank(newlines=False)
            if self.peek() == "}":
                self.pos += 1
                return
            self.pair(pointer)
            self.skip_blank(newlines=False)
            if self.peek() == ",":
                self.pos += 1

    def pair(self, prefix: Pointer) -> None:
        parts = self.key()
        pointer = prefix
        for name, where in parts:
            pointer = pointer + (name,)
            self.keys.setdefault(pointer, where)
        if self.peek() != "=":
            raise ValueError(f"no '=' at {self.mark()}")
        self.pos += 1
        self.value(pointer)

    # -- the document -----------------------------------------------------------
    def header(self) -> Pointer:
        start = self.mark()
        array = self.peek(2) == "[["
        self.pos += 2 if array else 1
        parts = self.key()
        self.pos += 2 if array else 1
        pointer: Pointer = ()
        for name, where in parts:
            pointer = pointer + (name,)
            self.keys.setdefault(pointer, where)
        if array:
            index = self._array_tables.get(pointer, 0)
            self._array_tables[pointer] = index + 1
            pointer = pointer + (index,)
        self.keys.setdefault(pointer, start)
        self.values.setdefault(pointer, start)
        return pointer

    def document(self) -> None:
        table: Pointer = ()
        while True:
            self.skip_blank(newlines=True)
            if self.pos >= len(self.text):
                return
            if self.peek() == "[":
                table = self.header()
            else:
                self.pair(table)


def positions(text: str) -> tuple[dict[Pointer, Mark], dict[Pointer, Mark]]:
    """(key marks, value marks) of valid TOML text; partial when the scanner cannot follow."""
    scanner = _Scanner(text)
    try:
        scanner.document()
    except (ValueError, IndexError):
        pass  # keep what was found: the missing ones fall back to their nearest ancestor
    return scanner.keys, scanner.values
