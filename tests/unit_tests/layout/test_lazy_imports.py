"""The cost of being installed: a lazy package root, and a pytest plugin that cannot break runs.

The timing side (plugin load, `--help`) is a benchmark row (`benchmarks/install_cost.py`);
these tests check the behaviour: what is imported, and what happens when an import fails.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import langchain_openrouter_gemini as package

ROOT = Path(package.__file__)


def _python(code: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_importing_the_package_imports_neither_openai_nor_langchain() -> None:
    result = _python(
        """
        import sys
        import langchain_openrouter_gemini
        heavy = sorted(m for m in sys.modules if m.split(".")[0] in {"openai", "langchain_core"})
        print(heavy)
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_names_resolve_on_first_use_to_the_defining_module() -> None:
    from langchain_openrouter_gemini import (
        ChatOpenRouterGemini,
        OpenRouterRateLimitError,
        get_openrouter_callback,
        image,
        init_chat_model,
        pdf,
    )
    from langchain_openrouter_gemini.chat.model import ChatOpenRouterGemini as cls
    from langchain_openrouter_gemini.media.content import image as image_helper
    from langchain_openrouter_gemini.usage.callbacks import get_openrouter_callback as defined

    assert ChatOpenRouterGemini is cls and get_openrouter_callback is defined
    assert image is image_helper and pdf(b"%PDF-1.4 x")["mime_type"] == "application/pdf"
    assert issubclass(OpenRouterRateLimitError, package.OpenRouterError)
    assert callable(init_chat_model)
    from langchain_openrouter_gemini import content  # the submodule is still reachable

    assert content.video is package.video


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'ChatOpenRouterGemni'"):
        _ = package.ChatOpenRouterGemni  # type: ignore[attr-defined]
    with pytest.raises(ImportError):
        from langchain_openrouter_gemini import nothing_here  # type: ignore[attr-defined]  # noqa: F401


def test_dir_and_all_list_every_export() -> None:
    assert set(package.__all__) <= set(dir(package))
    for name in package.__all__:
        assert getattr(package, name) is not None


def test_all_the_lazy_table_and_the_typing_imports_agree() -> None:
    # Three lists must name the same exports: __all__, the lazy table, and the
    # TYPE_CHECKING imports that give type checkers and IDEs the real types.
    tree = ast.parse(ROOT.read_text(encoding="utf-8"))
    typed: set[str] = set()
    table: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for stmt in node.body:
                assert isinstance(stmt, ast.ImportFrom)
                typed |= {alias.asname or alias.name for alias in stmt.names}
        if isinstance(node, ast.AnnAssign) and ast.unparse(node.target) == "_EXPORTS":
            assert isinstance(node.value, ast.Dict)
            table = {ast.literal_eval(key) for key in node.value.keys if key is not None}
    assert table and set(package.__all__) == table == typed


def test_testing_package_is_lazy_too() -> None:
    result = _python(
        """
        import sys
        import langchain_openrouter_gemini.testing as testing
        print("server" in dir(testing), "langchain_openrouter_gemini.testing.server" in sys.modules)
        from langchain_openrouter_gemini.testing import OpenRouterEmulator, Reply
        print(OpenRouterEmulator.__module__, Reply.__module__)
        """
    )
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.splitlines()
    assert first == "False False"
    assert second.split() == [
        "langchain_openrouter_gemini.testing.server",
        "langchain_openrouter_gemini.testing.replies",
    ]


# The pytest plugin, in a project of its own: pytest finds it through the installed
# package's `pytest11` entry point, exactly as in a user's project.

UNRELATED = "def test_unrelated():\n    assert 1 + 1 == 2\n"
USES_FIXTURE = """\
import urllib.request


def test_emulator(openrouter_emulator):
    with urllib.request.urlopen(openrouter_emulator.base_url + "/models") as reply:
        assert reply.status == 200
"""
# Loaded with `-p` before entry-point plugins: the emulator's modules become unimportable,
# as when a dependency of the package is broken in the user's environment.
BLOCKER = """\
import sys


class _Broken:
    def find_spec(self, name, path=None, target=None):
        if name.startswith("langchain_openrouter_gemini.testing.server"):
            raise ImportError("simulated: a dependency of the emulator is broken")
        return None


sys.meta_path.insert(0, _Broken())
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "test_unrelated.py").write_text(UNRELATED)
    (tmp_path / "test_uses_fixture.py").write_text(USES_FIXTURE)
    (tmp_path / "broken_emulator.py").write_text(BLOCKER)
    return tmp_path


def _pytest(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        capture_output=True,
        text=True,
        cwd=project,
        env={"PYTHONPATH": str(project), "PATH": "/usr/bin:/bin"},
        timeout=120,
        check=False,
    )


def test_plugin_fixture_works_in_another_project(project: Path) -> None:
    result = _pytest(project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


def test_broken_import_fails_the_fixture_not_the_run(project: Path) -> None:
    result = _pytest(project, "-p", "broken_emulator")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output  # tests failed; 3 and 4 mean pytest itself broke
    assert "1 passed" in output and "1 error" in output
    assert "openrouter_emulator fixture could not import the emulator" in output
    assert "simulated: a dependency of the emulator is broken" in output


def test_loading_the_plugin_imports_nothing_of_the_stack() -> None:
    result = _python(
        """
        import sys
        import pytest
        before = set(sys.modules)
        import langchain_openrouter_gemini.testing.pytest_plugin
        new = sorted(m for m in set(sys.modules) - before if not m.startswith("langchain_openrouter_gemini"))
        ours = sorted(m for m in set(sys.modules) - before if m.startswith("langchain_openrouter_gemini"))
        print(new)
        print(ours)
        """
    )
    assert result.returncode == 0, result.stderr
    new, ours = result.stdout.splitlines()
    assert new == "[]"
    assert "testing.server" not in ours and "chat_models" not in ours


def test_type_checkers_see_the_real_types_and_reject_misspelt_names(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import langchain_openrouter_gemini as pkg\n"
        "from langchain_openrouter_gemini import ChatOpenRouterGemini, get_openrouter_callback\n"
        "reveal_type(ChatOpenRouterGemini.from_model_string('gemini-2.5-flash').model_name)\n"
        "reveal_type(get_openrouter_callback)\n"
        "pkg.ChatOpenRouterGemni\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", str(probe)],
        capture_output=True,
        text=True,
        cwd=ROOT.parents[1],  # the project's mypy cache, warm after `make typecheck`
        timeout=300,
        check=False,
    )
    out = result.stdout
    assert 'Revealed type is "str"' in out or 'Revealed type is "builtins.str"' in out, out
    assert out.count("error:") == 1, out  # only the misspelt name
    assert "OpenRouterCallbackHandler" in out, out
    assert 'has no attribute "ChatOpenRouterGemni"' in out, out
