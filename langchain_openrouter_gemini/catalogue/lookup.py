"""The bundled data (`models.json`) and looking models up in it."""

from __future__ import annotations

import copy
import dataclasses
import difflib
import functools
import json
import re
from importlib import resources
from typing import Any, Literal

from langchain_openrouter_gemini.catalogue.entries import (
    EmbeddingModel,
    GeminiModel,
    Prices,
    embedding_from_entry,
    is_embedding_entry,
    model_from_entry,
)
from langchain_openrouter_gemini.errors.messages import ModelIdLookup, use_model_ids
from langchain_openrouter_gemini.model_ids import normalize_model_id, split_variants

__all__ = [
    "CATALOGUE",
    "DATA_FILE",
    "EMBEDDING_MODELS",
    "base_id",
    "catalogue_document",
    "closest_model_id",
    "get_embedding_model",
    "get_model",
    "model_kind",
]

DATA_FILE = "models.json"
# Replies name the dated model that served (`google/gemini-3-pro-preview-20251117`).
_DATED_SUFFIX = re.compile(r"-\d{8}$")
_FREE = Prices(prompt=0.0, completion=0.0, cache_read=0.0, cache_write=0.0, audio=0.0, image=0.0)


@functools.lru_cache(maxsize=1)
def _document() -> dict[str, Any]:
    text = resources.files(__package__).joinpath(DATA_FILE).read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def catalogue_document() -> dict[str, Any]:
    """A copy of the bundled data file: `{"checked", "note", "data": [/models entries]}`."""
    return copy.deepcopy(_document())


def _entries() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = _document()["data"]
    return data


CATALOGUE: tuple[GeminiModel, ...] = tuple(
    model_from_entry(entry) for entry in _entries() if not is_embedding_entry(entry)
)
"""Every catalogued Gemini chat model, newest first."""
EMBEDDING_MODELS: tuple[EmbeddingModel, ...] = tuple(
    embedding_from_entry(entry) for entry in _entries() if is_embedding_entry(entry)
)
"""Every catalogued Gemini embedding model."""

_BY_ID = {model.id: model for model in CATALOGUE}
_BY_SLUG = {model.canonical_slug: model for model in CATALOGUE if model.canonical_slug}
_EMBEDDINGS = {model.id: model for model in EMBEDDING_MODELS}


def base_id(model_id: str) -> tuple[str, tuple[str, ...]]:
    """The normalised id without variants, and the variants.

    Raises:
        ValueError: The id is empty or contains whitespace.

    """
    return split_variants(normalize_model_id(model_id))


def _find(base: str) -> GeminiModel | None:
    return _BY_ID.get(base) or _BY_SLUG.get(base) or _BY_ID.get(_DATED_SUFFIX.sub("", base))


def get_model(model_id: str) -> GeminiModel | None:
    """Look a chat model up in the catalogue.

    Variant suffixes (`:nitro`, `:floor`, `:online`, ...) share their base model's entry;
    `:free` gives the entry with every price zero. A dated id as OpenRouter reports it in
    replies (`google/gemini-3-pro-preview-20251117`) maps to its base entry. Aliases
    (`~google/gemini-pro-latest`) and presets (`@preset/name`) are not models: None.

    Args:
        model_id: An OpenRouter id, short form (`gemini-2.5-flash`) or `openrouter:` prefixed.

    Returns:
        The entry, or None when the model is not in the catalogue.

    Raises:
        ValueError: The id is empty or contains whitespace.

    """
    base, variants = base_id(model_id)
    model = _find(base)
    if model is None:
        return None
    if "free" in variants:
        return dataclasses.replace(model, id=f"{model.id}:free", prices=_FREE)
    return model


def get_embedding_model(model_id: str) -> EmbeddingModel | None:
    """Look an embedding model up (`google/gemini-embedding-001`); None when unknown.

    Raises:
        ValueError: The id is empty or contains whitespace.

    """
    base, _ = base_id(model_id)
    return _EMBEDDINGS.get(base) or _EMBEDDINGS.get(_DATED_SUFFIX.sub("", base))


def model_kind(model_id: str) -> Literal["chat", "embedding"] | None:
    """Whether the catalogue lists `model_id` as a chat model, an embedding model, or neither.

    Variants and the short forms `get_model` takes are accepted; an id that is not a
    well-formed model id (empty, spaces) is neither.
    """
    try:
        if get_model(model_id) is not None:
            return "chat"
        return "embedding" if get_embedding_model(model_id) is not None else None
    except ValueError:
        return None


def closest_model_id(model_id: str, kind: Literal["chat", "embedding"] | None = None) -> str | None:
    """The catalogued id `model_id` most likely misspells (`google/gemini-2.5-flsh`), if any.

    Args:
        model_id: The id as given (variants and the short form are fine).
        kind: Look among chat or embedding models only; both when `None`.

    Returns:
        The closest id (with the variants given), or `None` when nothing is close or
        `model_id` is already catalogued.

    """
    try:
        base, variants = base_id(model_id)
    except ValueError:
        return None
    if _find(base) is not None or base in _EMBEDDINGS:
        return None
    ids = [] if kind == "embedding" else list(_BY_ID)
    ids += [] if kind == "chat" else list(_EMBEDDINGS)
    close = difflib.get_close_matches(base, ids, n=1, cutoff=0.9)
    if not close:
        return None
    return ":".join((close[0], *variants))


# The errors' "not a valid model ID" advice names near misses and the wrong kind of model from
# these ids; errors cannot import the catalogue (it sits above the transport that raises them).
use_model_ids(ModelIdLookup(kind=model_kind, closest=closest_model_id))
