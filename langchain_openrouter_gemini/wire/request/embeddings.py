"""OpenRouter's `POST /embeddings` request: the path and the body.

Request fields are the ones OpenRouter's API reference documents for the endpoint: `model`,
`input` (a list of strings here), `dimensions`, `encoding_format` (`float` or `base64`),
`input_type` (e.g. `search_query`, `search_document`), `provider` and `user`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["EMBEDDINGS_PATH", "embeddings_body"]

EMBEDDINGS_PATH = "embeddings"


def embeddings_body(model: str, texts: Sequence[str], options: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON body for one embeddings request; `None`-valued options are left out."""
    body: dict[str, Any] = {"model": model, "input": list(texts)}
    body.update({key: value for key, value in options.items() if value is not None})
    return body
