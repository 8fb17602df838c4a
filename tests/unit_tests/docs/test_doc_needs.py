"""Each docs page says what its samples need, before the first sample that needs it.

A sample that imports a package this one does not install (`langchain`, `langgraph`, ...),
or that uses numpy through LangChain (`InMemoryVectorStore`), needs a `Needs:` line naming
the `pip install` beforehand; a sample that uses names from an earlier block needs a
`Needs:` line saying the samples run in order. Pasted alone, such a sample fails, so the
reader must be told before the sample.
"""

from __future__ import annotations

import ast
import builtins
import re
from pathlib import Path

import pytest

from tests.unit_tests.docs.test_doc_samples import DOCS, Sample, page_samples

# Top-level import -> what `pip install` brings it (only what the package's own
# dependencies do not: langchain-core, langchain-openai, pydantic are always there).
PACKAGES = {
    "langchain": "langchain",
    "langgraph": "langgraph",
    "numpy": "numpy",
    "langchain_openrouter": "langchain-openrouter",
    "ray": "langchain-openrouter-gemini[ray]",
}
# LangChain names that import numpy when used, though the sample never imports it.
NEEDS_NUMPY = {"InMemoryVectorStore", "cosine_similarity", "maximal_marginal_relevance"}
IN_ORDER = "run in order"
_NEEDS = re.compile(r"^Needs: (?P<text>.*(?:\n(?!\n).*)*)", re.MULTILINE)


def _visible(page: Path) -> list[Sample]:
    return [s for s in page_samples(page) if s.runnable and not s.hidden]


def _defined(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return names


def _packages(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules = [node.module]
        found |= {PACKAGES[m.split(".")[0]] for m in modules if m.split(".")[0] in PACKAGES}
        if isinstance(node, (ast.Name, ast.alias)):
            name = node.id if isinstance(node, ast.Name) else node.name
            if name in NEEDS_NUMPY:
                found.add("numpy")
    return found


def needs(page: Path) -> dict[str, int]:
    """What the page's samples need -> the line of the first sample that needs it."""
    first: dict[str, int] = {}
    earlier: set[str] = set()
    for sample in _visible(page):
        tree = ast.parse(sample.code)
        defined = _defined(tree)
        loaded = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        uses_earlier = (loaded - defined - set(dir(builtins))) & earlier
        wanted = _packages(tree) | ({IN_ORDER} if uses_earlier else set())
        for need in wanted:
            first.setdefault(need, sample.line)
        earlier |= defined
    return first


def _said(page: Path, need: str, before_line: int) -> bool:
    text = page.read_text(encoding="utf-8")
    for match in _NEEDS.finditer(text):
        if text.count("\n", 0, match.start()) + 1 >= before_line:
            break
        said = " ".join(match.group("text").split())
        if need == IN_ORDER and IN_ORDER in said:
            return True
        installs = re.findall(r"`pip install ([^`]+)`", said)
        if any(need in install.replace('"', "").split() for install in installs):
            return True
    return False


PAGES = sorted(DOCS.glob("*.md"))


@pytest.mark.parametrize("page", PAGES, ids=lambda path: path.stem)
def test_page_says_what_its_samples_need(page: Path) -> None:
    missing = [
        f"{need!r} (first needed by the sample at line {line})"
        for need, line in needs(page).items()
        if not _said(page, need, line)
    ]
    assert not missing, (
        f"docs/{page.name} needs a 'Needs:' line before the sample saying: {missing}. "
        f"Write `pip install <package>` for packages, and '{IN_ORDER}' when samples use "
        "names from earlier blocks."
    )


def test_the_pages_that_need_extra_packages_are_found() -> None:
    # The detector itself: these pages do need them, so a broken detector cannot pass.
    found = {page.stem: set(needs(page)) - {IN_ORDER} for page in PAGES}
    assert {"langchain", "langgraph"} <= found["agents-and-langgraph"]
    assert "numpy" in found["embeddings"]
    assert "langchain-openrouter" in found["migrating"]
    assert IN_ORDER in needs(DOCS / "getting-started.md")


def test_a_needs_line_after_the_sample_does_not_count(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# T\n\n```python\nimport langgraph\nx = 1\n```\n\n```python\nprint(x)\n```\n\n"
        "Needs: `pip install langgraph`; the samples run in order.\n",
        encoding="utf-8",
    )
    assert needs(page) == {"langgraph": 4, IN_ORDER: 9}
    assert not _said(page, "langgraph", 4) and not _said(page, IN_ORDER, 9)
    page.write_text(
        "# T\n\nNeeds: `pip install langgraph`; the samples run in order.\n" + page.read_text()
    )
    assert _said(page, "langgraph", 6) and _said(page, IN_ORDER, 11)
