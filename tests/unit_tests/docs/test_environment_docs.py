"""docs/environment.md names every environment variable the package and the CLI read."""

from __future__ import annotations

import ast
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[3]
PACKAGE = REPO / "langchain_openrouter_gemini"
PAGE = REPO / "docs" / "environment.md"
# Read through fields inherited from langchain-openai / LangChain, which the page documents.
INHERITED = {"LANGCHAIN_OPENAI_STREAM_CHUNK_TIMEOUT_S", "LC_OUTPUT_VERSION"}
_READERS = {"from_env", "secret_from_env", "getenv"}


def _names_in(node: ast.AST) -> set[str]:
    return {
        sub.value
        for sub in ast.walk(node)
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and sub.value.isupper()
    }


def _module_constants(tree: ast.Module) -> dict[str, ast.expr]:
    """Module-level `NAME = "VALUE"` (or a tuple of them), so `from_env(API_KEY_ENV)` counts."""
    constants: dict[str, ast.expr] = {}
    for node in tree.body:
        target = node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        value = getattr(node, "value", None)
        if isinstance(target, ast.Name) and value is not None:
            constants[target.id] = value
    return constants


def _resolved(node: ast.AST, constants: dict[str, ast.expr]) -> ast.AST:
    names = [sub for sub in ast.walk(node) if isinstance(sub, ast.Name) and sub.id in constants]
    return ast.Tuple(elts=[node, *(constants[name.id] for name in names)], ctx=ast.Load())


def variables_read(root: Path) -> set[str]:
    """String constants passed to `os.environ.get`, `os.environ[...]`, `getenv`, `from_env`.

    Module-level constants passed by name are followed (within the same module).
    """
    found: set[str] = set()
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = _module_constants(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                on_environ = isinstance(func, ast.Attribute) and "environ" in ast.unparse(func)
                if name in _READERS or on_environ:
                    args = ast.Tuple(elts=list(node.args), ctx=ast.Load())
                    found |= _names_in(_resolved(args, constants))
            elif isinstance(node, ast.Subscript) and ast.unparse(node.value).endswith("environ"):
                found |= _names_in(_resolved(node.slice, constants))
    return found


def test_every_variable_read_is_on_the_page() -> None:
    read = variables_read(PACKAGE)
    assert {"OPENROUTER_API_KEY", "OPENROUTER_BASE_URL", "NO_COLOR", "COLUMNS"} <= read
    assert "OPENROUTER_SESSION_ID" in read
    page = PAGE.read_text(encoding="utf-8")
    missing = sorted(name for name in read | INHERITED if f"`{name}`" not in page)
    assert not missing, f"docs/environment.md does not mention {missing}"


def test_page_is_in_the_nav() -> None:
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    pages = str(config["nav"])
    assert "environment.md" in pages
