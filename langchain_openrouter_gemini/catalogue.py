"""The Gemini model catalogue: limits, modalities, prices, LangChain profiles and cost estimates.

Everything here is static data and pure functions except `fetch_profile`, which performs one
`GET {base_url}/models` only when called (never at import).

Sources for the table (checked 2026; prices move, so treat them as an estimate):

- OpenRouter model pages (`openrouter.ai/google/<model>`): the seed page for
  `google/gemini-2.5-flash-preview` ($0.15/M in, $0.60/M out, $0.619/K input images, 1,048,576
  context, created 2025-04-17) and the `google/gemini-3-pro-preview` page (from $2/M in, from
  $12/M out, $8.256/K input images, created 2025-11-18).
- Google's Gemini API pricing page (ai.google.dev/gemini-api/docs/pricing), as quoted by several
  secondary pages: 2.5 Flash $0.30/$2.50 (audio in $1.00), 2.5 Flash-Lite $0.10/$0.40 (audio in
  $0.30), 2.5 Pro $1.25/$10 (above 200K prompt tokens $2.50/$15), 3 Pro preview $2/$12 (above 200K
  $4/$18), 3 Flash preview $0.50/$3.00 (audio in $1.00); cached input at 10% of the input price.
- Not verified (marked `# unverified` below): per-image prices other than the two pages above are
  derived from the ratio both of those pages share (4,128 prompt tokens' worth per image); output
  limits other than 2.5 Flash's 65,535 follow mirrors of OpenRouter's listing; cache-write prices
  are left unknown (cache writes are then estimated at the prompt price).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from langchain_openrouter_gemini.model_ids import normalize_model_id, split_variants

if TYPE_CHECKING:
    import httpx2

__all__ = [
    "CATALOGUE",
    "GeminiModel",
    "Prices",
    "estimate_cost",
    "fetch_profile",
    "get_model",
    "model_profile",
    "models_endpoint_payload",
    "profile_from_models_endpoint",
]

_PER_MILLION = 1_000_000
# OpenRouter's own model pages list `google/gemini-3-pro-preview-20251117`-style ids in replies.
_DATED_SUFFIX = re.compile(r"-\d{8}$")
_FULL_MULTIMODAL = ("text", "image", "file", "audio", "video")
# Parameters every Gemini entry accepts on OpenRouter (the /models `supported_parameters`).
_SAMPLING_PARAMETERS = ("max_tokens", "temperature", "top_p", "stop", "seed")


@dataclass(frozen=True)
class Prices:
    """USD prices; token prices are per million tokens, `image` is per input image.

    `None` means unknown: the estimate then falls back to the prompt price for that item.
    """

    prompt: float
    completion: float
    cache_read: float | None = None
    cache_write: float | None = None
    audio: float | None = None
    image: float | None = None
    # Gemini's Pro models charge more once the prompt exceeds this many tokens.
    long_context_threshold: int | None = None
    prompt_long: float | None = None
    completion_long: float | None = None


_FREE = Prices(prompt=0.0, completion=0.0, cache_read=0.0, cache_write=0.0, audio=0.0, image=0.0)


@dataclass(frozen=True)
class GeminiModel:
    """One Gemini model as OpenRouter serves it."""

    id: str
    name: str
    context_window: int
    max_output_tokens: int
    input_modalities: tuple[str, ...]
    output_modalities: tuple[str, ...]
    supports_tools: bool
    supports_structured_output: bool
    supports_reasoning: bool
    prices: Prices
    created: str | None = None
    """ISO date the model was added to OpenRouter, when known."""


def _gemini(
    model_id: str, name: str, max_output_tokens: int, prices: Prices, created: str
) -> GeminiModel:
    # Every Gemini model listed here reads all five modalities, writes text, and takes tools,
    # structured output and reasoning on OpenRouter; only limits, prices and dates differ.
    return GeminiModel(
        id=model_id,
        name=name,
        context_window=1_048_576,
        max_output_tokens=max_output_tokens,
        input_modalities=_FULL_MULTIMODAL,
        output_modalities=("text",),
        supports_tools=True,
        supports_structured_output=True,
        supports_reasoning=True,
        prices=prices,
        created=created,
    )


# The one table. Output limits other than 2.5 Flash's are unverified (see the module docstring).
CATALOGUE: tuple[GeminiModel, ...] = (
    _gemini(
        "google/gemini-2.5-flash",
        "Google: Gemini 2.5 Flash",
        65_535,
        Prices(0.30, 2.50, cache_read=0.03, audio=1.00, image=0.001238),  # image: unverified
        "2025-06-17",
    ),
    _gemini(
        "google/gemini-2.5-flash-preview",
        "Google: Gemini 2.5 Flash Preview",
        65_535,
        # The seed page: $0.15/M in, $0.60/M out, $0.619 per thousand input images.
        Prices(0.15, 0.60, image=0.000619),
        "2025-04-17",
    ),
    _gemini(
        "google/gemini-2.5-flash-lite",
        "Google: Gemini 2.5 Flash Lite",
        65_535,
        Prices(0.10, 0.40, cache_read=0.01, audio=0.30, image=0.0004128),  # image: unverified
        "2025-07-22",
    ),
    _gemini(
        "google/gemini-2.5-pro",
        "Google: Gemini 2.5 Pro",
        65_536,
        Prices(
            1.25,
            10.0,
            cache_read=0.125,
            image=0.00516,  # unverified
            long_context_threshold=200_000,
            prompt_long=2.50,
            completion_long=15.0,
        ),
        "2025-06-17",
    ),
    _gemini(
        "google/gemini-3-pro-preview",
        "Google: Gemini 3 Pro Preview",
        65_536,
        Prices(
            2.0,
            12.0,
            cache_read=0.20,
            image=0.008256,
            long_context_threshold=200_000,
            prompt_long=4.0,
            completion_long=18.0,
        ),
        "2025-11-18",
    ),
    _gemini(
        "google/gemini-3-flash-preview",
        "Google: Gemini 3 Flash Preview",
        65_536,
        Prices(0.50, 3.00, cache_read=0.05, audio=1.00, image=0.002064),  # image: unverified
        "2025-12-17",
    ),
)

_BY_ID: dict[str, GeminiModel] = {model.id: model for model in CATALOGUE}


def get_model(model_id: str) -> GeminiModel | None:
    """Look a model up in the catalogue.

    Variant suffixes (`:nitro`, `:floor`, `:online`, ...) share their base model's entry;
    `:free` gives the entry with every price zero. A dated id as OpenRouter reports it in
    replies (`google/gemini-3-pro-preview-20251117`) maps to its base entry.

    Args:
        model_id: An OpenRouter id, short form (`gemini-2.5-flash`) or `openrouter:` prefixed.

    Returns:
        The entry, or None when the model is not in the catalogue.

    Raises:
        ValueError: The id is empty or contains whitespace.

    """
    base, variants = split_variants(normalize_model_id(model_id))
    model = _BY_ID.get(base) or _BY_ID.get(_DATED_SUFFIX.sub("", base))
    if model is None:
        return None
    if "free" in variants:
        return dataclasses.replace(model, id=f"{model.id}:free", prices=_FREE)
    return model


def _build_profile(
    *,
    name: str,
    release_date: str | None,
    max_input_tokens: int | None,
    max_output_tokens: int | None,
    input_modalities: tuple[str, ...],
    output_modalities: tuple[str, ...],
    parameters: frozenset[str],
) -> dict[str, Any]:
    # One builder for both sources, so the static table and the live endpoint cannot drift.
    images = "image" in input_modalities
    pdfs = "file" in input_modalities
    tools = "tools" in parameters
    profile: dict[str, Any] = {"name": name}
    if release_date:
        profile["release_date"] = release_date
    if max_input_tokens:
        profile["max_input_tokens"] = max_input_tokens
    if max_output_tokens:
        profile["max_output_tokens"] = max_output_tokens
    profile.update(
        {
            "open_weights": False,
            "text_inputs": "text" in input_modalities,
            "image_inputs": images,
            "image_url_inputs": images,
            "pdf_inputs": pdfs,
            "audio_inputs": "audio" in input_modalities,
            "video_inputs": "video" in input_modalities,
            # OpenRouter takes content parts in tool messages too (see the wire-format notes).
            "image_tool_message": images,
            "pdf_tool_message": pdfs,
            "attachment": pdfs,
            "text_outputs": "text" in output_modalities,
            "image_outputs": "image" in output_modalities,
            "audio_outputs": "audio" in output_modalities,
            "video_outputs": "video" in output_modalities,
            "reasoning_output": "reasoning" in parameters,
            "tool_calling": tools,
            "tool_choice": "tool_choice" in parameters,
            "tool_call_streaming": tools,
            "structured_output": "structured_outputs" in parameters,
            "temperature": "temperature" in parameters,
        }
    )
    return profile


def _parameters(model: GeminiModel) -> tuple[str, ...]:
    params = list(_SAMPLING_PARAMETERS)
    if model.supports_tools:
        params += ["tools", "tool_choice"]
    if model.supports_structured_output:
        params += ["structured_outputs", "response_format"]
    if model.supports_reasoning:
        params += ["reasoning", "include_reasoning"]
    return tuple(sorted(params))


def model_profile(model_id: str) -> dict[str, Any]:
    """LangChain's model profile (the `ModelProfile` keys) for a catalogued model.

    Args:
        model_id: An OpenRouter model id (variants and dated ids accepted).

    Returns:
        The profile, or `{}` for a model the catalogue does not know (no network call is made;
        use `fetch_profile` for that).

    Raises:
        ValueError: The id is empty or contains whitespace.

    """
    model = get_model(model_id)
    if model is None:
        return {}
    return _build_profile(
        name=model.name,
        release_date=model.created,
        max_input_tokens=model.context_window,
        max_output_tokens=model.max_output_tokens,
        input_modalities=model.input_modalities,
        output_modalities=model.output_modalities,
        parameters=frozenset(_parameters(model)),
    )


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)):
        return ()
    return tuple(item for item in value if isinstance(item, str))


def _positive_int(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return None


def profile_from_models_endpoint(entry: Mapping[str, Any]) -> dict[str, Any]:
    """Build LangChain's model profile from one `data[]` entry of `GET /api/v1/models`.

    Args:
        entry: The entry (`id`, `name`, `created`, `context_length`, `architecture`,
            `top_provider`, `supported_parameters`, ...). Missing fields are left out of the
            profile rather than guessed.

    Returns:
        The profile dict.

    Raises:
        TypeError: `entry` is not a mapping.

    """
    if not isinstance(entry, Mapping):
        msg = f"Expected one /models `data[]` entry (a dict), got {type(entry).__name__}."
        raise TypeError(msg)
    architecture = entry.get("architecture")
    architecture = architecture if isinstance(architecture, Mapping) else {}
    top_provider = entry.get("top_provider")
    top_provider = top_provider if isinstance(top_provider, Mapping) else {}
    created = entry.get("created")
    release_date = None
    if isinstance(created, (int, float)) and not isinstance(created, bool):
        release_date = datetime.fromtimestamp(created, tz=timezone.utc).date().isoformat()
    return _build_profile(
        name=str(entry.get("name") or entry.get("id") or ""),
        release_date=release_date,
        max_input_tokens=_positive_int(entry.get("context_length")),
        max_output_tokens=_positive_int(top_provider.get("max_completion_tokens")),
        input_modalities=_strings(architecture.get("input_modalities")),
        output_modalities=_strings(architecture.get("output_modalities")),
        parameters=frozenset(_strings(entry.get("supported_parameters"))),
    )


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

    base, _ = split_variants(normalize_model_id(model_id))
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
    for entry in data:
        if isinstance(entry, Mapping) and entry.get("id") in (base, _DATED_SUFFIX.sub("", base)):
            return profile_from_models_endpoint(entry)
    return {}


def _per_token(per_million: float) -> str:
    value = Decimal(str(per_million)) / _PER_MILLION
    return format(value.normalize(), "f") if value else "0"


def _per_unit(price: float) -> str:
    return format(Decimal(str(price)).normalize(), "f") if price else "0"


def _endpoint_entry(model: GeminiModel) -> dict[str, Any]:
    prices = model.prices
    pricing = {
        "prompt": _per_token(prices.prompt),
        "completion": _per_token(prices.completion),
        "request": "0",
        "web_search": "0",
        "internal_reasoning": "0",
    }
    # Unknown prices are left out rather than sent as "0", which would read as free.
    optional = {
        "image": None if prices.image is None else _per_unit(prices.image),
        "audio": None if prices.audio is None else _per_token(prices.audio),
        "input_cache_read": None if prices.cache_read is None else _per_token(prices.cache_read),
        "input_cache_write": None if prices.cache_write is None else _per_token(prices.cache_write),
    }
    pricing.update({key: value for key, value in optional.items() if value is not None})
    created = 0
    if model.created:
        day = datetime.fromisoformat(model.created).replace(tzinfo=timezone.utc)
        created = int(day.timestamp())
    return {
        "id": model.id,
        "canonical_slug": model.id,
        "hugging_face_id": "",
        "name": model.name,
        "created": created,
        "description": f"{model.name} (from langchain-openrouter-gemini's catalogue).",
        "context_length": model.context_window,
        "architecture": {
            "modality": f"{'+'.join(model.input_modalities)}->{'+'.join(model.output_modalities)}",
            "input_modalities": list(model.input_modalities),
            "output_modalities": list(model.output_modalities),
            "tokenizer": "Gemini",
            "instruct_type": None,
        },
        "pricing": pricing,
        "top_provider": {
            "context_length": model.context_window,
            "max_completion_tokens": model.max_output_tokens,
            "is_moderated": False,
        },
        "per_request_limits": None,
        "supported_parameters": list(_parameters(model)),
    }


def models_endpoint_payload() -> dict[str, Any]:
    """The catalogue in the exact shape of OpenRouter's `GET /api/v1/models` reply.

    Prices are strings of USD per token (per image for `image`), as OpenRouter sends them.

    Returns:
        `{"data": [entry, ...]}`, one entry per catalogued model.

    """
    return {"data": [_endpoint_entry(model) for model in CATALOGUE]}


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        return 0
    return int(value)


def estimate_cost(model_id: str | None, usage: Mapping[str, Any]) -> float | None:
    """Estimate the USD cost of one reply from LangChain `usage_metadata`.

    This is an estimate from the catalogue's list prices, for replies that carry no `cost` of
    their own; OpenRouter's reported `cost` is authoritative. Uncached input tokens are billed
    at the prompt price (audio tokens at the audio price), `input_token_details.cache_read` at
    the cache-read price, `cache_creation` at the cache-write price, and all output tokens
    (reasoning included, as LangChain counts it) at the completion price. Above a model's
    long-context threshold the long-context prices apply. An optional non-standard `images`
    count adds the per-image price.

    Args:
        model_id: The model that served the reply (e.g. `response_metadata["model_name"]`).
        usage: A `usage_metadata` dict (`input_tokens`, `output_tokens`, detail dicts).

    Returns:
        USD, or None when the model is unknown (or no id was given).

    """
    if not model_id:
        return None
    try:
        model = get_model(model_id)
    except ValueError:
        return None
    if model is None:
        return None
    prices = model.prices
    input_tokens = _count(usage.get("input_tokens"))
    output_tokens = _count(usage.get("output_tokens"))
    input_details = usage.get("input_token_details")
    input_details = input_details if isinstance(input_details, Mapping) else {}
    cache_read = _count(input_details.get("cache_read"))
    cache_write = _count(input_details.get("cache_creation"))
    audio = _count(input_details.get("audio"))

    prompt_price, completion_price = prices.prompt, prices.completion
    threshold = prices.long_context_threshold
    if threshold is not None and input_tokens > threshold:
        prompt_price = prices.prompt_long or prompt_price
        completion_price = prices.completion_long or completion_price

    def price_or_prompt(price: float | None) -> float:
        return prompt_price if price is None else price

    plain_input = max(input_tokens - cache_read - cache_write - audio, 0)
    per_million = (
        plain_input * prompt_price
        + cache_read * price_or_prompt(prices.cache_read)
        + cache_write * price_or_prompt(prices.cache_write)
        + audio * price_or_prompt(prices.audio)
        + output_tokens * completion_price
    )
    return per_million / _PER_MILLION + _count(usage.get("images")) * (prices.image or 0.0)
