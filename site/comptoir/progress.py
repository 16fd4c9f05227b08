"""One progress line per step: rewritten in place on a terminal, plain otherwise.

Any management command may report its steps with it (the demo load, the monthly
rewards close).
"""

from typing import TextIO

from django.core.management.base import OutputWrapper


class Step:
    """The running count of one step, e.g. "Products  57/80"."""

    def __init__(self, progress: "Progress", label: str, total: int) -> None:
        self.progress = progress
        self.label = label
        self.total = total
        self.count = 0

    def advance(self, n: int = 1) -> None:
        self.count += n
        # On a terminal every tick redraws; in a log only the final line is kept.
        if self.progress.live:
            self.progress.write(f"\r{self._line()}", end="")

    def done(self, note: str = "") -> None:
        line = self._line() + (f"  {note}" if note else "")
        if self.progress.live:
            self.progress.write(f"\r{line}\033[K")
        else:
            self.progress.write(line)

    def _line(self) -> str:
        return f"{self.label:<12}{self.count:>6}/{self.total}"


class Progress:
    """Where a command reports its steps; quiet writes nothing at all."""

    def __init__(
        self, out: TextIO | OutputWrapper | None = None, *, quiet: bool = False
    ) -> None:
        self.out = out
        self.quiet = quiet or out is None
        isatty = getattr(out, "isatty", None)
        self.live = bool(not self.quiet and isatty and isatty())

    def step(self, label: str, total: int) -> Step:
        return Step(self, label, total)

    def write(self, text: str, end: str = "\n") -> None:
        if self.quiet:
            return
        if isinstance(self.out, OutputWrapper):
            # A command's stdout adds its own newline unless told otherwise.
            self.out.write(text, ending=end)
        else:
            self.out.write(text + end)
        flush = getattr(self.out, "flush", None)
        if flush:
            flush()
