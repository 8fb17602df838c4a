"""The wire format split by direction: the old one-module paths name both sides, whole.

`wire.reasoning` and `wire.embeddings` were one module each, holding the request and the
reply side together. Each side now has its home under `wire/request` or `wire/response`;
the old path re-exports both homes (so it is a small module, not a one-home shim).
"""

from __future__ import annotations

import importlib

import pytest

WIRE = "langchain_openrouter_gemini.wire"


@pytest.mark.parametrize(
    ("facade", "homes"),
    [
        ("reasoning", ("request.reasoning", "response.reasoning_details")),
        ("embeddings", ("request.embeddings", "response.embeddings")),
    ],
)
def test_an_old_wire_path_re_exports_both_directions_whole(
    facade: str, homes: tuple[str, str]
) -> None:
    old = importlib.import_module(f"{WIRE}.{facade}")
    modules = [importlib.import_module(f"{WIRE}.{home}") for home in homes]
    assert sorted(old.__all__) == sorted(name for module in modules for name in module.__all__)
    for module in modules:
        for name in module.__all__:
            assert getattr(old, name) is getattr(module, name), (facade, name)


def test_embedding_usage_keeps_its_documented_path() -> None:
    from langchain_openrouter_gemini.wire.embeddings import EmbeddingUsage
    from langchain_openrouter_gemini.wire.response.embeddings import EmbeddingUsage as home

    assert EmbeddingUsage is home
