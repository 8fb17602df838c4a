"""The emulator's `POST /embeddings`: OpenRouter's reply shape, with vectors that mean something.

A text's vector is a bag of its words: each word (lower-cased, a plural `s` dropped, common
stop words skipped) stands for a fixed pseudo-random direction derived from a hash, and the
text's vector is the normalised sum. Texts that share words land closer together than texts
that do not, so offline retrieval tests (a vector store, a retriever) rank documents the way
a reader would expect, and the same text always gets the same vector.

`dimensions` is honoured the Matryoshka way: the first N values of the full vector,
normalised again. Unknown models get OpenRouter's HTTP 400. Embedding requests are answered
directly; they never take items from the chat script (`enqueue`).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import math
import operator
import random
import re
import struct
from collections.abc import Mapping
from typing import Any

from langchain_openrouter_gemini.testing.render import new_generation_id
from langchain_openrouter_gemini.testing.usage import text_tokens

__all__ = ["EMBEDDING_MODELS", "embed_text", "embeddings_reply"]

# Embedding models the emulator serves: full vector length and USD per input token
# (gemini-embedding-001: $0.15 per million input tokens, per its OpenRouter page).
EMBEDDING_MODELS: dict[str, tuple[int, float]] = {
    "google/gemini-embedding-001": (3072, 0.15e-6),
    "openai/text-embedding-3-small": (1536, 0.02e-6),
    "openai/text-embedding-3-large": (3072, 0.13e-6),
}
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# fmt: off
_STOP_WORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in",
    "into", "is", "it", "its", "of", "on", "or", "that", "the", "this", "to", "was",
    "were", "what", "which", "who", "will", "with",
})
# fmt: on
_USER_ID = "user_2emulator0openrouter0000"


def _words(text: str) -> list[str]:
    words = []
    for word in _WORD.findall(text.lower()):
        if word in _STOP_WORDS:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.append(word)
    # A text of stop words or symbols only still gets its own, stable direction.
    return words or [f"\x00{text}"]


@functools.lru_cache(maxsize=8192)
def _direction(word: str, size: int) -> tuple[float, ...]:
    seed = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "big")
    draw = random.Random(seed)
    return tuple(draw.gauss(0.0, 1.0) for _ in range(size))


def _normalised(values: list[float]) -> list[float]:
    norm = math.sqrt(math.fsum(map(operator.mul, values, values))) or 1.0
    return [v / norm for v in values]


def embed_text(text: str, full_size: int = 3072, dimensions: int | None = None) -> list[float]:
    """The emulator's vector for `text`: deterministic, unit length, word overlap = closeness.

    Args:
        text: The text.
        full_size: The model's full vector length.
        dimensions: Keep only the first N values (renormalised), as Matryoshka models do.

    Returns:
        The vector.

    """
    total: list[float] = [0.0] * full_size
    for word in _words(text):
        total = list(map(operator.add, total, _direction(word, full_size)))
    vector = _normalised(total)
    if dimensions is not None and dimensions < full_size:
        vector = _normalised(vector[:dimensions])
    return vector


def _error(status: int, message: str) -> tuple[int, dict[str, Any]]:
    return status, {"error": {"code": status, "message": message}, "user_id": _USER_ID}


def _problem(body: Any) -> tuple[int, dict[str, Any]] | None:
    if not isinstance(body, Mapping):
        return _error(400, "The request body must be a JSON object.")
    model = body.get("model")
    if not isinstance(model, str) or not model.strip():
        return _error(
            400, "`model` is required: an embedding model such as 'google/gemini-embedding-001'."
        )
    if model.split(":")[0] not in EMBEDDING_MODELS:
        return _error(400, f"{model} is not a valid model ID")
    texts = body.get("input")
    if isinstance(texts, str):
        texts = [texts]
    if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
        return _error(400, "`input` must be a string or a non-empty list of strings.")
    if not all(t.strip() for t in texts):
        return _error(400, "`input` holds an empty string; every input must have text.")
    full_size = EMBEDDING_MODELS[model.split(":")[0]][0]
    dimensions = body.get("dimensions")
    if dimensions is not None and (
        isinstance(dimensions, bool)
        or not isinstance(dimensions, int)
        or not 1 <= dimensions <= full_size
    ):
        return _error(
            400,
            f"`dimensions` must be a whole number from 1 to {full_size} for "
            f"{model}, got {dimensions!r}.",
        )
    if body.get("encoding_format") not in (None, "float", "base64"):
        return _error(400, "`encoding_format` must be 'float' or 'base64'.")
    if body.get("input_type") is not None and not isinstance(body.get("input_type"), str):
        return _error(400, "`input_type` must be a string such as 'search_query'.")
    return None


def _encode(vector: list[float], encoding: Any) -> list[float] | str:
    if encoding == "base64":
        return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()
    return vector


def embeddings_reply(body: Any) -> tuple[int, dict[str, Any]]:
    """The status and JSON body OpenRouter would answer an embeddings request with.

    Args:
        body: The parsed request body (`None` when it was not JSON).

    Returns:
        `(status, payload)`: 200 with `{"object": "list", "data": [...], "model", "id",
        "usage"}`, or 400 with OpenRouter's error object.

    """
    problem = _problem(body)
    if problem is not None:
        return problem
    model = body["model"]
    texts = [body["input"]] if isinstance(body["input"], str) else body["input"]
    full_size, price = EMBEDDING_MODELS[model.split(":")[0]]
    tokens = sum(text_tokens(text) for text in texts)
    data = [
        {
            "object": "embedding",
            "embedding": _encode(
                embed_text(text, full_size, body.get("dimensions")), body.get("encoding_format")
            ),
            "index": index,
        }
        for index, text in enumerate(texts)
    ]
    return 200, {
        "object": "list",
        "data": data,
        "model": model,
        "id": new_generation_id(),
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens, "cost": tokens * price},
    }
