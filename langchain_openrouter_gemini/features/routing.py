"""OpenRouter's request options, typed: provider routing, plugins and the other body fields.

Field names and shapes follow OpenRouter's API reference (provider routing guide, plugins guide,
chat completions request schema). Every model allows extra fields, so options OpenRouter adds
later pass through without a release of this package.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict
from typing_extensions import TypedDict

from langchain_openrouter_gemini.features.server_tools import web_search_from_option

__all__ = [
    "MAX_SESSION_ID_LENGTH",
    "OPTION_KEYS",
    "MaxPrice",
    "MaxPriceDict",
    "PercentileCutoffs",
    "PercentileCutoffsDict",
    "ProviderPreferences",
    "ProviderPreferencesDict",
    "ProviderSort",
    "ProviderSortDict",
    "build_openrouter_body",
    "context_compression_plugin",
    "file_parser_plugin",
    "merge_options",
    "pin_provider",
    "provider_slug",
    "response_healing_plugin",
    "web_plugin",
]

MAX_SESSION_ID_LENGTH: Final = 256
"""OpenRouter's documented limit for `session_id` (older SDK docs said 128; current docs 256)."""

OPTION_KEYS: Final = (
    "provider",
    "models",
    "route",
    "transforms",
    "plugins",
    "web_search",
    "session_id",
    "trace",
    "user",
    "metadata",
    "modalities",
    "image_config",
    "prediction",
    "verbosity",
    "reasoning",
)
"""The option names `build_openrouter_body` understands, in the order they are written."""
_KNOWN_OPTIONS: Final = frozenset(OPTION_KEYS)

SortBy = Literal["price", "throughput", "latency"]
PdfEngine = Literal["native", "mistral-ocr", "cloudflare-ai"]

# Display names in a reply's `provider` field that do not slugify to their routing slug.
_PROVIDER_SLUGS: Final[Mapping[str, str]] = {
    "google": "google-vertex",
    "google vertex": "google-vertex",
    "google vertex ai": "google-vertex",
    "google ai studio": "google-ai-studio",
}
_SLUG_OR_TAG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)?")


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class MaxPrice(_Open):
    """The most you will pay; providers above any limit are skipped.

    Amounts are USD, as numbers or decimal strings (OpenRouter's SDKs send strings).
    """

    prompt: float | str | None = None
    """USD per million prompt tokens."""
    completion: float | str | None = None
    """USD per million completion tokens."""
    image: float | str | None = None
    """USD per image."""
    audio: float | str | None = None
    """USD per audio unit."""
    request: float | str | None = None
    """USD per request."""


class PercentileCutoffs(_Open):
    """Per-percentile thresholds; an endpoint must meet all that are given to be preferred."""

    p50: float | None = None
    p75: float | None = None
    p90: float | None = None
    p99: float | None = None


class ProviderSort(_Open):
    """The object form of `sort`."""

    by: SortBy | None = None
    partition: Literal["model", "none"] | None = None
    """`"model"` (OpenRouter's default) sorts within each fallback model; `"none"` sorts all."""


class ProviderPreferences(_Open):
    """OpenRouter's `provider` object: which upstream providers may serve a request, in what order.

    Slugs for Gemini are `google-vertex` and `google-ai-studio`. Unknown fields are kept and sent.
    """

    order: list[str] | None = None
    """Provider slugs to try first, in order."""
    only: list[str] | None = None
    """Provider slugs allowed for this request."""
    ignore: list[str] | None = None
    """Provider slugs skipped for this request."""
    allow_fallbacks: bool | None = None
    """Whether other providers may serve when the preferred ones fail (OpenRouter: true)."""
    require_parameters: bool | None = None
    """Only providers that support every parameter in the request."""
    data_collection: Literal["allow", "deny"] | None = None
    """`"deny"` skips providers that may store or train on prompts."""
    zdr: bool | None = None
    """Only zero-data-retention endpoints."""
    enforce_distillable_text: bool | None = None
    """Only models whose output may be used for distillation."""
    quantizations: list[str] | None = None
    """Allowed quantization levels, e.g. `["fp8", "bf16"]`."""
    sort: SortBy | ProviderSort | None = None
    """Sort providers instead of load balancing; a string or `{"by", "partition"}`."""
    max_price: MaxPrice | None = None
    preferred_max_latency: float | PercentileCutoffs | None = None
    """Seconds; a number applies to p50. Slower endpoints are tried later, not excluded."""
    preferred_min_throughput: float | PercentileCutoffs | None = None
    """Tokens per second; a number applies to p50. Slower endpoints are tried later."""


class MaxPriceDict(TypedDict, total=False):
    """Dict form of `MaxPrice` (USD; per million tokens, per image, per audio unit, per request)."""

    prompt: float | str
    completion: float | str
    image: float | str
    audio: float | str
    request: float | str


class PercentileCutoffsDict(TypedDict, total=False):
    """Dict form of `PercentileCutoffs`."""

    p50: float
    p75: float
    p90: float
    p99: float


class ProviderSortDict(TypedDict, total=False):
    """Dict form of `ProviderSort`."""

    by: SortBy
    partition: Literal["model", "none"]


class ProviderPreferencesDict(TypedDict, total=False):
    """Dict form of `ProviderPreferences`, for those who prefer plain dicts."""

    order: list[str]
    only: list[str]
    ignore: list[str]
    allow_fallbacks: bool
    require_parameters: bool
    data_collection: Literal["allow", "deny"]
    zdr: bool
    enforce_distillable_text: bool
    quantizations: list[str]
    sort: SortBy | ProviderSortDict
    max_price: MaxPriceDict
    preferred_max_latency: float | PercentileCutoffsDict
    preferred_min_throughput: float | PercentileCutoffsDict


def web_plugin(
    *, max_results: int | None = None, search_prompt: str | None = None, engine: str | None = None
) -> dict[str, Any]:
    """OpenRouter's `web` plugin: search results added to the prompt once per request.

    OpenRouter now marks this plugin deprecated in favour of the `openrouter:web_search` server
    tool, which lets the model decide when to search; the plugin still works.

    Args:
        max_results: How many results to add (OpenRouter's default is 5).
        search_prompt: Text placed before the results.
        engine: `"native"` (the provider's own search), `"exa"`, or another engine OpenRouter
            lists (`"firecrawl"`, `"parallel"`); omitted, OpenRouter picks.

    Returns:
        The plugin entry, e.g. `{"id": "web", "max_results": 3}`.

    Raises:
        ValueError: `max_results` is not a positive integer.

    """
    if max_results is not None and (
        isinstance(max_results, bool) or not isinstance(max_results, int) or max_results < 1
    ):
        msg = f"web_plugin max_results must be a positive integer, got {max_results!r}."
        raise ValueError(msg)
    settings = {"max_results": max_results, "search_prompt": search_prompt, "engine": engine}
    return {"id": "web", **{key: value for key, value in settings.items() if value is not None}}


def file_parser_plugin(pdf_engine: PdfEngine | None = None) -> dict[str, Any]:
    """OpenRouter's `file-parser` plugin: how PDFs are read.

    Args:
        pdf_engine: `"native"` (the model reads the PDF itself; Gemini can), `"mistral-ocr"`
            (scans, paid per page) or `"cloudflare-ai"` (text to markdown, free; the old
            `"pdf-text"` now redirects there). Omitted, OpenRouter picks.

    Returns:
        `{"id": "file-parser"}` plus `{"pdf": {"engine": ...}}` when an engine is given.

    """
    plugin: dict[str, Any] = {"id": "file-parser"}
    if pdf_engine is not None:
        plugin["pdf"] = {"engine": pdf_engine}
    return plugin


def response_healing_plugin() -> dict[str, Any]:
    """OpenRouter's `response-healing` plugin: repairs malformed JSON in structured output."""
    return {"id": "response-healing"}


def context_compression_plugin() -> dict[str, Any]:
    """OpenRouter's `context-compression` plugin: trims the middle of prompts that do not fit.

    It replaces the deprecated `transforms: ["middle-out"]`.
    """
    return {"id": "context-compression"}


def build_openrouter_body(options: Mapping[str, Any]) -> dict[str, Any]:
    """Turn the user-facing OpenRouter options into request-body fields, ready for JSON.

    `None` values are dropped; `provider` is validated against `ProviderPreferences` whether it
    comes as the model, a `ProviderPreferencesDict` or a plain dict, then written without unset
    fields. `web_search=True` (or a dict of its parameters) becomes `tools:
    [{"type": "openrouter:web_search", ...}]`, OpenRouter's web search server tool; the chat
    model appends it to the function tools of the call.

    Args:
        options: Any of `OPTION_KEYS`.

    Returns:
        A new dict of body fields; nothing in it is shared with `options`.

    Raises:
        ValueError: An unknown option (the chat model sends those through `extra_body`), a value of
            the wrong shape, `session_id` over 256 characters, or `web_search` together with a
            `web` plugin in `plugins`.

    """
    unknown = [key for key in options if key not in _KNOWN_OPTIONS]
    if unknown:
        msg = (
            f"Unknown OpenRouter option(s) {', '.join(map(repr, unknown))}; known options are"
            f" {', '.join(OPTION_KEYS)}. Pass other request fields through extra_body."
        )
        raise ValueError(msg)
    body: dict[str, Any] = {}
    for key in OPTION_KEYS:
        value = options.get(key)
        if value is None or key == "web_search":
            continue
        body[key] = _OPTION_WRITERS[key](key, value)
    if tools := _web_search_tools(body.get("plugins", []), options.get("web_search")):
        body["tools"] = tools
    return body


def merge_options(model_level: Mapping[str, Any], call_level: Mapping[str, Any]) -> dict[str, Any]:
    """Combine options set on the model with those passed to one call; the call wins per key.

    A per-call `provider` replaces the model's `provider` as a whole rather than being merged
    field by field: routing fields constrain each other (`order` with `allow_fallbacks`, `only`
    with `ignore`), so a field-wise merge can build a combination nobody wrote, and a deep merge
    gives no way to drop a model-level field for one call. What a call passes is what is sent.
    The same holds for lists and dicts such as `plugins` and `metadata`.

    A per-call `None` means "not given here" and keeps the model's value; to clear a value for one
    call pass an empty one (`provider={}`, `plugins=[]`, `web_search=False`).

    Args:
        model_level: Options set on the chat model.
        call_level: Options passed to `invoke(...)` or `bind(...)`.

    Returns:
        A new dict.

    """
    merged = dict(model_level)
    merged.update({key: value for key, value in call_level.items() if value is not None})
    return merged


def pin_provider(
    provider: Mapping[str, Any] | ProviderPreferences | None, served_by: str
) -> dict[str, Any]:
    """Return provider preferences that keep a tool loop on the provider of its first turn.

    Gemini thought signatures from `google-vertex` are rejected by `google-ai-studio` and the
    other way round, so once a turn carries `reasoning_details`, the next turns must go to the
    same provider: `order` becomes that provider alone and `allow_fallbacks` false. The user's
    other preferences (`data_collection`, `max_price`, ...) are kept.

    Args:
        provider: The user's preferences, if any.
        served_by: The reply's `provider` field (a display name such as `"Google AI Studio"`) or
            a slug.

    Returns:
        New provider preferences, as a dict.

    Raises:
        ValueError: `served_by` is empty, or `provider` does not validate.

    """
    base = {} if provider is None else _provider_body("provider", provider)
    return {**base, "order": [provider_slug(served_by)], "allow_fallbacks": False}


def provider_slug(display_name: str) -> str:
    """Return the routing slug for a provider's display name, e.g. `"google-ai-studio"`.

    Google's two names are mapped from OpenRouter's provider list (`"Google"` is Vertex). Slugs
    and endpoint tags (`"google-vertex"`, `"google-ai-studio/flex"`) come back as they are. Other
    names are lowercased with runs of other characters turned into hyphens, which matches most
    providers' slugs but not all (`"Together AI"` gives `together-ai`; its slug is `together`).

    Raises:
        ValueError: The name is empty or has no letters or digits.

    """
    name = display_name.strip()
    known = _PROVIDER_SLUGS.get(" ".join(name.lower().split()))
    if known is not None:
        return known
    if _SLUG_OR_TAG.fullmatch(name):
        return name
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    if not slug:
        msg = (
            f"Cannot make a provider slug from {display_name!r}; pass a slug such as"
            " 'google-vertex'."
        )
        raise ValueError(msg)
    return slug


def _provider_body(key: str, value: Any) -> dict[str, Any]:
    if isinstance(value, ProviderPreferences):
        preferences = value
    elif isinstance(value, Mapping):
        preferences = ProviderPreferences.model_validate(dict(value))
    else:
        msg = (
            f"'{key}' must be ProviderPreferences or a dict of OpenRouter provider fields, got"
            f" {type(value).__name__}."
        )
        raise ValueError(msg)
    return preferences.model_dump(mode="json", exclude_none=True)


def _string_list(key: str, value: Any) -> list[str]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        msg = f"'{key}' must be a list of strings, got {value!r}."
        raise ValueError(msg)
    if not all(isinstance(item, str) for item in value):
        msg = f"'{key}' must be a list of strings, got {list(value)!r}."
        raise ValueError(msg)
    return list(value)


def _string(key: str, value: Any) -> str:
    if not isinstance(value, str):
        msg = f"'{key}' must be a string, got {type(value).__name__}."
        raise ValueError(msg)
    return value


def _session_id(key: str, value: Any) -> str:
    session_id = _string(key, value)
    if len(session_id) > MAX_SESSION_ID_LENGTH:
        msg = (
            f"session_id is {len(session_id)} characters; OpenRouter takes at most"
            f" {MAX_SESSION_ID_LENGTH}. Use a shorter id (a UUID or a hash of yours)."
        )
        raise ValueError(msg)
    return session_id


def _object(key: str, value: Any) -> dict[str, Any]:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    if not isinstance(value, Mapping):
        msg = f"'{key}' must be a dict, got {type(value).__name__}."
        raise ValueError(msg)
    return _json_copy(value)  # type: ignore[no-any-return]


def _plugins(key: str, value: Any) -> list[dict[str, Any]]:
    if isinstance(value, (str, Mapping)) or not isinstance(value, Sequence):
        msg = f"'{key}' must be a list of plugin dicts such as {{'id': 'web'}}, got {value!r}."
        raise ValueError(msg)
    plugins = [_object(key, plugin) for plugin in value]
    for plugin in plugins:
        if not isinstance(plugin.get("id"), str):
            msg = f"Each plugin needs a string 'id' (e.g. 'web', 'file-parser'), got {plugin!r}."
            raise ValueError(msg)
    return plugins


def _web_search_tools(plugins: list[dict[str, Any]], web_search: Any) -> list[dict[str, Any]]:
    tool = web_search_from_option(web_search)
    if tool is None:
        return []
    if any(plugin.get("id") == "web" for plugin in plugins):
        msg = (
            "web_search and a 'web' entry in plugins both ask for web search (the server tool"
            " and the deprecated plugin would both run). Keep one: web_search for the"
            " openrouter:web_search server tool, or plugins=[web_plugin(...)] for the plugin."
        )
        raise ValueError(msg)
    return [tool]


def _json_copy(value: Any) -> Any:
    """Copy into plain dicts and lists, so the body shares nothing with the caller."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    if isinstance(value, Mapping):
        return {key: _json_copy(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_copy(item) for item in value]
    return value


_OPTION_WRITERS: Final[Mapping[str, Callable[[str, Any], Any]]] = {
    "provider": _provider_body,
    "models": _string_list,
    "route": _string,
    "transforms": _string_list,
    "plugins": _plugins,
    "session_id": _session_id,
    "trace": _object,
    "user": _string,
    "metadata": _object,
    "modalities": _string_list,
    "image_config": _object,
    "prediction": _object,
    "verbosity": _string,
    "reasoning": _object,
}
