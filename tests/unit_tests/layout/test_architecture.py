"""The package's layout rules, read from its source: no import circles, no borrowed privates.

Every `import` statement counts, wherever it stands: at module level, inside a function
(a lazy import), or under `if TYPE_CHECKING:`. A circle hidden behind a lazy import still
means two modules cannot be understood apart, so it is still a circle here.
"""

from __future__ import annotations

import ast
import functools
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = "langchain_openrouter_gemini"
ROOT = Path(__file__).resolve().parents[3] / PACKAGE
MAX_LINES = 600


@dataclass(frozen=True)
class Import:
    """One `from target import name` (name is None for `import target`)."""

    importer: str
    target: str
    name: str | None
    line: int


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@functools.cache
def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(ROOT.rglob("*.py"))}


def _imports_of(module: str, path: Path) -> Iterator[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(PACKAGE):
                    yield Import(module, alias.name, None, node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module:
            assert node.level == 0, f"{path}:{node.lineno}: relative import"
            if node.module.startswith(PACKAGE):
                for alias in node.names:
                    yield Import(module, node.module, alias.name, node.lineno)


@functools.cache
def _all_imports() -> tuple[Import, ...]:
    return tuple(imp for module, path in _modules().items() for imp in _imports_of(module, path))


def _edges() -> dict[str, set[str]]:
    """Module -> the package modules it imports (a `from pkg import submodule` included)."""
    modules = _modules()
    edges: dict[str, set[str]] = defaultdict(set)
    for imp in _all_imports():
        submodule = f"{imp.target}.{imp.name}" if imp.name else None
        target = submodule if submodule in modules else imp.target
        if target in modules and target != imp.importer:
            edges[imp.importer].add(target)
    return edges


def _circles(edges: dict[str, set[str]], nodes: list[str] | None = None) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(_modules()) if nodes is None else nodes:
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_rules_see_a_circle_when_there_is_one() -> None:
    edges: dict[str, set[str]] = defaultdict(set)
    names = sorted(_modules())[:3]
    edges[names[0]].add(names[1])
    edges[names[1]].add(names[2])
    edges[names[2]].add(names[0])
    assert _circles(edges) == [sorted(names)]


# No circle is left open (issue 25): none may join, lazy and type-only imports included.
KNOWN_CIRCLES: list[list[str]] = []


def test_no_import_circle_but_the_known_ones_lazy_and_type_only_imports_included() -> None:
    assert sorted(_circles(_edges())) == sorted(KNOWN_CIRCLES)


def test_no_module_imports_another_modules_private_name() -> None:
    modules = _modules()
    borrowed = [
        f"{imp.importer} line {imp.line}: from {imp.target} import {imp.name}"
        for imp in _all_imports()
        if imp.name
        and imp.name.startswith("_")
        and not imp.name.startswith("__")
        and f"{imp.target}.{imp.name}" not in modules  # a private module, not a helper
        and imp.target != imp.importer
    ]
    assert borrowed == []


def _imports_from(home: str) -> set[str]:
    prefix = f"{PACKAGE}.{home}"
    return {
        imp.target
        for imp in _all_imports()
        if imp.importer == prefix or imp.importer.startswith(prefix + ".")
    }


@pytest.mark.parametrize(
    ("home", "forbidden"),
    [
        # The transport moves bytes; what they mean is the wire format's and the models'.
        ("transport", ("wire", "chat", "features", "media", "usage", "embeddings", "factories")),
        # The wire format is pure conversion: no I/O, no model classes.
        ("wire", ("transport", "chat", "embeddings", "factories", "usage", "cli", "testing")),
        # Each direction of the wire format stands alone; what both need lives at wire/.
        ("wire.request", ("wire.response",)),
        ("wire.response", ("wire.request",)),
        # Errors sit under the transport that raises them (the emulator's `Server` header
        # test once lived in transport/, which made the two import each other).
        ("errors", ("transport", "chat", "wire", "features", "media", "usage", "embeddings")),
        # The emulator is a server: it must not lean on the client it is testing.
        ("testing", ("chat", "transport", "embeddings", "factories")),
    ],
)
def test_layers_do_not_reach_up(home: str, forbidden: tuple[str, ...]) -> None:
    reached = sorted(
        target
        for target in _imports_from(home)
        for other in forbidden
        if target == f"{PACKAGE}.{other}" or target.startswith(f"{PACKAGE}.{other}.")
    )
    assert reached == []


def _is_shim(path: Path) -> bool:
    """A documented old path: a docstring and re-exports from one real home, nothing else."""
    body = ast.parse(path.read_text(encoding="utf-8")).body
    statements = [node for node in body if not isinstance(node, ast.Expr)]
    sources = {node.module for node in statements if isinstance(node, ast.ImportFrom)}
    return (
        bool(statements)
        and all(isinstance(node, ast.ImportFrom) for node in statements)
        and len(sources) == 1
    )


def test_the_root_holds_homes_and_documented_shims_only() -> None:
    entries = sorted(
        path.name
        for path in ROOT.iterdir()
        if path.name != "__pycache__" and (path.suffix == ".py" or path.is_dir())
    )
    shims = sorted(name for name in entries if name.endswith(".py") and _is_shim(ROOT / name))
    homes = [name for name in entries if name not in shims]
    assert homes == [
        "__init__.py",
        "__main__.py",
        "_lazy.py",
        "_version.py",
        "catalogue",
        "chat",
        "checks.py",
        "cli",
        "embeddings.py",
        "errors",
        "factories.py",
        "features",
        "media",
        "model_ids.py",
        "model_string.py",
        "testing",
        "transport",
        "usage",
        "wire",
    ]


def test_every_shim_re_exports_a_real_home_whole() -> None:
    import importlib

    for path in [*ROOT.glob("*.py"), *ROOT.glob("wire/*.py")]:
        if not _is_shim(path):
            continue
        shim = importlib.import_module(_module_name(path))
        home_name = next(
            node.module
            for node in ast.parse(path.read_text(encoding="utf-8")).body
            if isinstance(node, ast.ImportFrom)
        )
        assert home_name
        home = importlib.import_module(home_name)
        assert shim.__all__ == home.__all__, path
        for name in home.__all__:
            assert getattr(shim, name) is getattr(home, name), (path, name)


def test_no_package_file_is_over_the_line_limit() -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for path in _modules().values()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_media_never_imports_the_wire_format() -> None:
    # The wire format reads MIME types from media; what both say (the audio-URL fix) is media's.
    reached = sorted(
        target for target in _imports_from("media") if target.startswith(f"{PACKAGE}.wire")
    )
    assert reached == []


def test_errors_import_nothing_from_the_homes_above_them() -> None:
    # The catalogue fetches `/models` through the transport, which raises these errors: the
    # catalogue hands the errors its ids instead of being imported by them.
    above = ("catalogue", "transport", "chat", "features")
    reached = sorted(
        target
        for target in _imports_from("errors")
        for home in above
        if target == f"{PACKAGE}.{home}" or target.startswith(f"{PACKAGE}.{home}.")
    )
    assert reached == []
