"""What OpenRouter's live `GET /models` says: models the catalogue does not know, and drift.

`resolve_profile` describes any model id: the catalogue first; then, with an API key,
`GET /models` (fetched once per process and base URL, through the package transport, and
cached, failures included, so a model never waits twice; concurrent lookups for one base URL
share its fetch, and nothing else waits for it); else a generic profile. It never raises for
an unknown or unreachable model.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from langchain_openrouter_gemini.catalogue.endpoint import find_entry, public_entry
from langchain_openrouter_gemini.catalogue.entries import GeminiModel, model_from_entry
from langchain_openrouter_gemini.catalogue.lookup import catalogue_document, get_model
from langchain_openrouter_gemini.catalogue.profiles import (
    generic_profile,
    profile_from_models_endpoint,
    profile_of,
)
from langchain_openrouter_gemini.wire.request.reasoning_rules import ReasoningRules

__all__ = [
    "CatalogueDiff",
    "clear_live_cache",
    "diff_catalogue",
    "fetch_models",
    "live_model",
    "reasoning_rules",
    "refreshed_document",
    "resolve_profile",
]

logger = logging.getLogger("langchain_openrouter_gemini")

DEFAULT_BASE_URL = "https://openrouter.ai/api/v1"
# Profiles are resolved while a model is constructed: keep the wait short.
_PROFILE_TIMEOUT = 10.0


@dataclass
class _Fetch:
    """One base URL's `/models` list: being fetched until `done` is set, then `data`."""

    done: threading.Event = field(default_factory=threading.Event)
    data: list[dict[str, Any]] = field(default_factory=list)


_LIVE: dict[str, _Fetch] = {}
# Guards `_LIVE` only, and is never held across a request: a lookup for one base URL
# never waits for another's fetch, and a request build never waits for any fetch.
_LOCK = threading.Lock()
# Fields the catalogue keeps, in OpenRouter's words; the rest of a live entry is dropped.
_KEPT = (
    "id",
    "canonical_slug",
    "name",
    "created",
    "context_length",
    "architecture",
    "pricing",
    "top_provider",
    "per_request_limits",
    "supported_parameters",
    "reasoning",
    "expiration_date",
)
_COMPARED = ("context_length", "architecture", "pricing", "top_provider", "supported_parameters")


def fetch_models(
    base_url: str = DEFAULT_BASE_URL,
    api_key: str | None = None,
    *,
    timeout: float = 30.0,
    max_retries: int = 2,
) -> list[dict[str, Any]]:
    """`GET {base_url}/models?output_modalities=all`: every model OpenRouter lists.

    Raises:
        OpenRouterError: The request failed (typed by status, as for chat requests).
        ValueError: The reply is not OpenRouter's `{"data": [...]}`.

    """
    import httpx2
    import openai

    from langchain_openrouter_gemini.transport import exchange

    client = openai.OpenAI(
        api_key=api_key or "sk-or-none", base_url=base_url, max_retries=max_retries
    )
    try:
        limit = httpx2.Timeout(timeout, connect=min(timeout, 10.0))
        payload = exchange.get_json(client, "models", limit, params={"output_modalities": "all"})
    finally:
        client.close()
    data = payload.get("data") if isinstance(payload, Mapping) else None
    if not isinstance(data, list):
        msg = f"{base_url}/models did not return OpenRouter's models list ({{'data': [...]}})."
        raise ValueError(msg)
    return [dict(entry) for entry in data if isinstance(entry, Mapping)]


def _key(base_url: str) -> str:
    return base_url.rstrip("/")


def _cached(base_url: str, api_key: str) -> list[dict[str, Any]]:
    """The base URL's `/models` list: fetched by the first caller, waited for by the rest."""
    key = _key(base_url)
    with _LOCK:
        fetch = _LIVE.get(key)
        first = fetch is None
        if fetch is None:
            fetch = _LIVE[key] = _Fetch()
    if not first:
        # Concurrent lookups for the same base URL share the one fetch (bounded by its
        # own timeout) rather than each sending their own.
        fetch.done.wait()
        return fetch.data
    try:
        fetch.data = fetch_models(key, api_key, timeout=_PROFILE_TIMEOUT, max_retries=0)
    except Exception as exc:  # a profile is optional: never fail a model over it
        logger.debug("GET %s/models failed (%s); using generic profiles", key, exc)
    finally:
        fetch.done.set()
    return fetch.data


def clear_live_cache() -> None:
    """Forget every fetched `/models` list (the next unknown model fetches again)."""
    with _LOCK:
        _LIVE.clear()


def live_model(model_id: str, base_url: str | None = None) -> GeminiModel | None:
    """The entry for `model_id` in a `/models` list already fetched this process (no request).

    Never waits: a list still being fetched is not consulted.

    Args:
        model_id: The model id.
        base_url: Look only in the list fetched from this base URL; `None` looks in every
            list (for pricing a reply, whose model names itself).

    """
    with _LOCK:
        if base_url is None:
            fetches = list(_LIVE.values())
        else:
            fetches = [f for f in (_LIVE.get(_key(base_url)),) if f is not None]
    for fetch in fetches:
        if not fetch.done.is_set():
            continue
        entry = find_entry(fetch.data, model_id)
        if entry is not None:
            return model_from_entry(entry)
    return None


def resolve_profile(
    model_id: str, *, base_url: str | None = None, api_key: str | None = None
) -> dict[str, Any]:
    """The LangChain profile of any model id; never raises.

    The catalogue's entry when there is one; else, given `api_key`, the entry `GET /models`
    lists (one request per process and base URL); else `generic_profile(model_id)`.
    """
    try:
        model = get_model(model_id)
    except ValueError:
        return generic_profile(model_id)
    if model is not None:
        return profile_of(model)
    if api_key:
        entry = find_entry(_cached(base_url or DEFAULT_BASE_URL, api_key), model_id)
        if entry is not None:
            return profile_from_models_endpoint(entry)
    return generic_profile(model_id)


def reasoning_rules(model_id: str, base_url: str | None = None) -> ReasoningRules | None:
    """The model's reasoning rules: the catalogue's, else a fetched `/models` entry's.

    `base_url`: the model's base URL, whose `/models` list is the one that counts (`None`:
    any list fetched). Never waits for a fetch.
    """
    try:
        model = get_model(model_id) or live_model(model_id, base_url)
    except ValueError:
        return None
    return None if model is None else model.reasoning


@dataclass
class CatalogueDiff:
    """What live `/models` says about Gemini that the catalogue does not."""

    new: list[dict[str, Any]] = field(default_factory=list)
    """Live entries the catalogue lacks."""
    changed: dict[str, list[str]] = field(default_factory=dict)
    """Model id -> human-readable differences (`pricing.prompt: 0.000002 -> 0.0000025`)."""
    gone: list[str] = field(default_factory=list)
    """Catalogued ids live `/models` no longer lists."""

    def __bool__(self) -> bool:
        """Whether there is anything to refresh."""
        return bool(self.new or self.changed or self.gone)


def _is_gemini_entry(entry: Mapping[str, Any]) -> bool:
    model_id = entry.get("id")
    return isinstance(model_id, str) and model_id.startswith("google/gemini")


def _differences(path: str, old: Any, new: Any) -> list[str]:
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        found: list[str] = []
        for key in sorted(set(old) | set(new), key=str):
            if key in ("modality", "is_moderated", "instruct_type"):
                continue
            found += _differences(f"{path}.{key}", old.get(key), new.get(key))
        return found
    if isinstance(old, list) and isinstance(new, list) and path.endswith("parameters"):
        old, new = sorted(map(str, old)), sorted(map(str, new))
    return [] if old == new else [f"{path}: {old!r} -> {new!r}"]


def diff_catalogue(live: list[dict[str, Any]]) -> CatalogueDiff:
    """Compare a live `/models` list with the catalogue (Gemini entries only)."""
    ours = {e["id"]: e for e in catalogue_document()["data"]}
    theirs = {e["id"]: e for e in live if _is_gemini_entry(e)}
    diff = CatalogueDiff()
    for model_id, entry in theirs.items():
        known = ours.get(model_id)
        if known is None:
            diff.new.append(_kept(entry))
            continue
        changes = [
            line
            for name in _COMPARED
            for line in _differences(name, known.get(name), entry.get(name))
        ]
        if "reasoning" in entry:
            changes += _differences("reasoning", known.get("reasoning"), entry.get("reasoning"))
        if changes:
            diff.changed[model_id] = changes
    diff.gone = sorted(set(ours) - set(theirs))
    return diff


def _kept(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {key: entry[key] for key in _KEPT if key in entry}


def refreshed_document(live: list[dict[str, Any]], checked: str) -> dict[str, Any]:
    """The data file rewritten from a live `/models` list.

    Live Gemini entries replace the catalogue's (and count as verified: their `unverified`
    list is emptied); catalogued models live no longer lists are kept, so old replies still
    price, with `x_catalogue.listed` false.
    """
    document = catalogue_document()
    theirs = {e["id"]: e for e in live if _is_gemini_entry(e)}
    source = f"GET /api/v1/models, {checked}"
    ours = {e["id"]: e for e in document["data"]}
    data: list[dict[str, Any]] = []
    for model_id, entry in theirs.items():
        # Facts /models does not carry (embedding dimensions) survive the refresh.
        old = dict(ours.get(model_id, {}).get("x_catalogue", {}))
        old.pop("listed", None)
        annotations = {**old, "source": source, "unverified": []}
        data.append({**_kept(entry), "x_catalogue": annotations})
    for entry in document["data"]:
        if entry["id"] not in theirs:
            stale = public_entry(entry)
            annotations = {**entry.get("x_catalogue", {}), "listed": False}
            data.append({**stale, "x_catalogue": annotations})
    document["data"] = data
    document["checked"] = checked
    return document
