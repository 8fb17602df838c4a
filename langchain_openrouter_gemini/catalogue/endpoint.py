"""The catalogue in `GET /api/v1/models` form, and `fetch_profile` (one explicit GET)."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from langchain_openrouter_gemini.catalogue.entries import is_embedding_entry
from langchain_openrouter_gemini.catalogue.lookup import base_id, catalogue_document
from langchain_openrouter_gemini.catalogue.profiles import profile_from_models_endpoint

if TYPE_CHECKING:
    import httpx2

__all__ = ["fetch_profile", "find_entry", "models_endpoint_payload", "public_entry"]

_DATED_SUFFIX = re.compile(r"-\d{8}$")


def public_entry(entry: Mapping[str, Any]) -> dict[str, Any]:
    """A data-file entry as OpenRouter sends it: without the catalogue's `x_` annotations."""
    return {key: copy.deepcopy(value) for key, value in entry.items() if not key.startswith("x_")}


def _wanted(entry: Mapping[str, Any], output_modalities: str) -> bool:
    wanted = {m.strip() for m in output_modalities.split(",") if m.strip()}
    if "all" in wanted:
        return True
    if is_embedding_entry(entry):
        return "embeddings" in wanted
    outputs = entry.get("architecture", {}).get("output_modalities", [])
    return bool(wanted.intersection(outputs))


def models_endpoint_payload(output_modalities: str = "text") -> dict[str, Any]:
    """The catalogue in the exact shape of OpenRouter's `GET /api/v1/models` reply.

    Prices are strings of USD per token (per image for `image`), as OpenRouter sends them.

    Args:
        output_modalities: OpenRouter's query parameter of the same name: `"text"` (its
            default: chat models, image-output ones included), `"image"`, `"embeddings"`,
            a comma-separated mix, or `"all"`.

    Returns:
        `{"data": [entry, ...]}`, one entry per matching catalogued model.

    """
    entries = catalogue_document()["data"]
    return {"data": [public_entry(e) for e in entries if _wanted(e, output_modalities)]}


def find_entry(data: Any, model_id: str) -> Mapping[str, Any] | None:
    """The entry of `model_id` (variants ignored; dated or canonical ids accepted) in `data`."""
    base, _ = base_id(model_id)
    entries = [e for e in data if isinstance(e, Mapping)] if isinstance(data, list) else []
    # A dated reply id (`...-20251117`) names the same model as its undated entry.
    for wanted in (base, _DATED_SUFFIX.sub("", base)):
        for entry in entries:
            if wanted in (entry.get("id"), entry.get("canonical_slug")):
                return entry
    return None


def fetch_profile(
    model_id: str,
    base_url: str = "https://openrouter.ai/api/v1",
    api_key: str | None = None,
    *,
    timeout: float = 10,
    client: httpx2.Client | None = None,
) -> dict[str, Any]:
    """Fetch `GET {base_url}/models` and build the profile of `model_id` from it.

    Args:
        model_id: The model to describe (variant suffixes are ignored for the lookup).
        base_url: OpenRouter's API base URL.
        api_key: Sent as a bearer token when given (the endpoint is public).
        timeout: Seconds before the request gives up.
        client: An `httpx2.Client` to use instead of a new one (tests pass a mock transport).

    Returns:
        The profile, or `{}` when the endpoint does not list the model.

    Raises:
        httpx2.HTTPError: The request failed or returned an error status.
        ValueError: The id is invalid or the reply is not OpenRouter's `{"data": [...]}`.

    """
    import httpx2

    base_id(model_id)  # reject a malformed id before any request
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    url = f"{base_url.rstrip('/')}/models"
    if client is None:
        with httpx2.Client(timeout=timeout) as owned:
            response = owned.get(url, headers=headers)
    else:
        response = client.get(url, headers=headers, timeout=timeout)
    response.raise_for_status()
    payload = response.json()
    data = payload.get("data") if isinstance(payload, Mapping) else None
    if not isinstance(data, list):
        msg = f"{url} did not return OpenRouter's models list ({{'data': [...]}}); check base_url."
        raise ValueError(msg)
    entry = find_entry(data, model_id)
    return {} if entry is None else profile_from_models_endpoint(entry)
