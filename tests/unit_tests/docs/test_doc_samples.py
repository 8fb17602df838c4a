"""Every Python sample in docs/*.md runs as pasted against a plain emulator, so docs cannot rot.

Per page, the samples run in order in one shared namespace, as a reader would paste them
after the offline recipe: `OPENROUTER_API_KEY` set to any key and `OPENROUTER_BASE_URL`
pointing at a fresh emulator with nothing scripted (echo mode), and the working directory
an empty temporary folder. Whatever a sample needs (files, a scripted fault) is made by a
visible step on the page.

Two kinds of blocks are run:
- fenced ```python blocks, shown to readers;
- hidden blocks, `<!-- hidden python ... -->` comments that MkDocs passes through unseen.
  They only check what the visible samples did: they see the page's names, a read-only
  view of the emulator (`emulator.requests`, `emulator.base_url`) bound to `emulator`, and
  `printed`, everything the page's samples printed so far (what a reader sees), and may not
  script the emulator, create files, or leave names behind for the visible samples.

A fence whose info string carries `.norun` (e.g. ```python {title="x.py" .norun}) is shown
but not run; keep those rare.
"""

from __future__ import annotations

import re
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

DOCS = Path(__file__).resolve().parents[3] / "docs"
MAX_NORUN = 3

# One pattern with two alternatives, so blocks come out in page order.
_BLOCK = re.compile(
    r"^```(?P<info>[^\n`]*)\n(?P<fenced>.*?)^```[ \t]*$"
    r"|^<!-- hidden python[ \t]*\n(?P<hidden>.*?)^-->[ \t]*$",
    re.DOTALL | re.MULTILINE,
)
_LANGUAGE = re.compile(r"^\s*\{?\s*\.?(?P<lang>[\w+-]*)")
_NORUN = re.compile(r"(?:^|[\s{.])norun\b")


@dataclass(frozen=True)
class Sample:
    page: str
    number: int
    line: int
    code: str
    hidden: bool
    runnable: bool

    @property
    def label(self) -> str:
        kind = "hidden block" if self.hidden else "block"
        return f"docs/{self.page}, {kind} {self.number} (line {self.line})"


def page_samples(path: Path) -> list[Sample]:
    """The Python blocks of one page, visible and hidden, in page order."""
    text = path.read_text(encoding="utf-8")
    samples: list[Sample] = []
    for match in _BLOCK.finditer(text):
        hidden = match.group("hidden") is not None
        group = "hidden" if hidden else "fenced"
        runnable = True
        if not hidden:
            language = _LANGUAGE.match(match.group("info"))
            if language is None or language.group("lang") != "python":
                continue
            runnable = _NORUN.search(match.group("info")) is None
        # The line where the code itself starts, so tracebacks point into the .md file.
        line = text.count("\n", 0, match.start(group)) + 1
        samples.append(
            Sample(path.name, len(samples) + 1, line, match.group(group), hidden, runnable)
        )
    return samples


def _pages() -> list[Path]:
    return sorted(DOCS.glob("*.md"))


PAGES_WITH_SAMPLES = [path for path in _pages() if any(s.runnable for s in page_samples(path))]


class EmulatorView:
    """What a hidden block sees of the page's emulator: what was sent, nothing to script."""

    def __init__(self, emulator: Any) -> None:
        self._emulator = emulator

    @property
    def requests(self) -> list[Any]:
        return list(self._emulator.requests)

    @property
    def base_url(self) -> str:
        return str(self._emulator.base_url)

    def __getattr__(self, name: str) -> Any:
        msg = (
            f"hidden blocks only check; emulator.{name} is not theirs to use. Script what a "
            "sample needs in a visible step, so a reader's paste behaves the same."
        )
        raise AttributeError(msg)


def _files(folder: Path) -> set[str]:
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*")}


def _printed_so_far(capsys: pytest.CaptureFixture[str]) -> str:
    # Read and write back, so the output stays captured (and shown if the test fails); each
    # read then returns everything printed on the page so far.
    printed = capsys.readouterr().out
    sys.stdout.write(printed)
    return printed


def _run(
    sample: Sample,
    namespace: dict[str, Any],
    checks: dict[str, Any],
    emulator: Any,
    folder: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Line-aligned, so a traceback names the .md line that failed.
    code = compile(
        "\n" * (sample.line - 1) + sample.code, f"docs/{sample.page}", "exec", dont_inherit=True
    )
    # Hidden blocks work on a copy: the names they make (kept in `checks` for later hidden
    # blocks) never reach the visible samples.
    if sample.hidden:
        view = {"emulator": EmulatorView(emulator), "printed": _printed_so_far(capsys)}
        scope = {**namespace, **checks, **view}
    else:
        scope = namespace
    before = _files(folder)
    try:
        exec(code, scope)
    except Exception as exc:
        details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)[-6:])
        pytest.fail(f"{sample.label} raised {type(exc).__name__}: {exc}\n{details}", pytrace=False)
    if sample.hidden:
        checks.update((k, v) for k, v in scope.items() if namespace.get(k, checks) is not v)
    made = sorted(_files(folder) - before)
    if sample.hidden and made:
        pytest.fail(f"{sample.label} made {made}; make files in a visible step", pytrace=False)


@pytest.mark.parametrize("page", PAGES_WITH_SAMPLES, ids=lambda path: path.stem)
def test_page_samples_run(
    page: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from langchain_openrouter_gemini.testing import OpenRouterEmulator

    samples = page_samples(page)
    skipped = [sample for sample in samples if not sample.runnable]
    with OpenRouterEmulator() as emulator:
        monkeypatch.setenv("OPENROUTER_API_KEY", "sk-or-emulator")
        monkeypatch.setenv("OPENROUTER_BASE_URL", emulator.base_url)
        monkeypatch.chdir(tmp_path)
        namespace: dict[str, Any] = {"__name__": f"docs_{page.stem.replace('-', '_')}"}
        checks: dict[str, Any] = {}
        for sample in samples:
            if sample.runnable:
                _run(sample, namespace, checks, emulator, tmp_path, capsys)
    if skipped:
        with capsys.disabled():
            for sample in skipped:
                print(f"\nnot run (marked .norun): {sample.label}")


def test_hidden_blocks_cannot_script_the_emulator() -> None:
    from langchain_openrouter_gemini.testing import OpenRouterEmulator, Reply

    with OpenRouterEmulator() as emulator:
        view = EmulatorView(emulator)
        with pytest.raises(AttributeError, match="visible step"):
            view.enqueue(Reply.text("scripted"))
        with pytest.raises(AttributeError, match="visible step"):
            view.reset()
        assert emulator.pending == 0 and view.requests == []


def test_every_python_fence_is_collected() -> None:
    """A fence the extractor misses (indented, odd info string) would silently go untested."""
    for page in _pages():
        text = page.read_text(encoding="utf-8")
        fences = len(re.findall(r"^\s*```\s*\{?\s*\.?python\b", text, re.MULTILINE))
        collected = sum(not sample.hidden for sample in page_samples(page))
        assert collected == fences, (
            f"docs/{page.name}: {fences} python fences, {collected} collected"
        )


def test_hidden_blocks_are_well_formed() -> None:
    """An unclosed `<!-- hidden python` comment would swallow the rest of the page."""
    for page in _pages():
        text = page.read_text(encoding="utf-8")
        opened = text.count("<!-- hidden python")
        collected = sum(sample.hidden for sample in page_samples(page))
        assert collected == opened, f"docs/{page.name}: {opened} hidden blocks, {collected} parsed"


def test_few_samples_are_left_unrun() -> None:
    skipped = [s.label for page in _pages() for s in page_samples(page) if not s.runnable]
    print("samples not run:", skipped)
    assert len(skipped) <= MAX_NORUN, f"too many .norun samples (max {MAX_NORUN}): {skipped}"


def test_performance_page_shows_the_committed_benchmark_results() -> None:
    # The table on the page is the one `python -m benchmarks` last wrote, not a stale copy.
    text = (DOCS / "performance.md").read_text(encoding="utf-8")
    section = text.split("## Latest results", 1)[1].split("\n## ", 1)[0]
    results = (DOCS.parent / "benchmarks" / "results" / "latest.md").read_text(encoding="utf-8")
    table = [line for line in results.splitlines() if line.startswith("|")]
    assert len(table) > 10
    assert all(line in section.splitlines() for line in table)


def test_extractor_orders_visible_and_hidden_blocks(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# T\n\n```python\nx = 1\n```\n\n<!-- hidden python\nassert x == 1\n-->\n\n"
        '```bash\nls\n```\n\n```python {title="a.py" .norun}\nimport ray\n```\n',
        encoding="utf-8",
    )
    samples = page_samples(page)
    assert [(s.code, s.hidden, s.runnable, s.line) for s in samples] == [
        ("x = 1\n", False, True, 4),
        ("assert x == 1\n", True, True, 8),
        ("import ray\n", False, False, 16),
    ]
