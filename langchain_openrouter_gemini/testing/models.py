"""Which model ids the emulator serves, and what each one's replies look like.

The catalogue (`langchain_openrouter_gemini.catalogue`) decides which Gemini models exist;
`OpenRouterEmulator(models=[...])` adds more (another vendor's model, a `:free` endpoint).
OpenRouter refuses everything else before any model sees the request: an unknown id with
HTTP 400 "<id> is not a valid model ID", a known model whose variant has no endpoint with
HTTP 404 "No endpoints found for <id>.". Aliases (`~google/gemini-pro-latest`) and presets
(`@preset/name`, `model@preset/name`) are the user's account settings, which the emulator
cannot know: they are served.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Mapping
from typing import Any

from langchain_openrouter_gemini.model_ids import VARIANTS

__all__ = [
    "ModelRoster",
    "gemini_3",
    "models_payload",
    "reasoning_by_default",
    "reasoning_hidden",
    "reasoning_requested",
    "supports_reasoning",
]

# Variants OpenRouter derives for every model (routing shortcuts and the web plugin); the
# others (`:free`, `:exacto`, `:thinking`, `:extended`) are endpoints only some models have.
_DYNAMIC_VARIANTS = frozenset({"nitro", "floor", "online"})
# Gemini 2.5 Pro and every 3.x model think on every request: reasoning cannot be switched off.
_MANDATORY_REASONING = re.compile(r"^google/gemini-(?:2\.5-pro|3)")
_GEMINI_3 = re.compile(r"^google/gemini-3")
_IMAGE_MODEL = re.compile(r"^google/gemini-[\w.-]*-image")


def _catalogue() -> Any:
    try:
        # Imported lazily and by name: the catalogue is optional for the emulator.
        return importlib.import_module("langchain_openrouter_gemini.catalogue")
    except ImportError:
        return None


class ModelRoster:
    """The model ids one emulator answers for: the catalogue's plus the ones a user added."""

    def __init__(self, extra: Iterable[str] = ()) -> None:
        """Create a roster.

        Args:
            extra: Ids served on top of the catalogue (`openai/gpt-4o`,
                `google/gemini-2.5-flash:free`); a base id also serves its routing variants.

        Raises:
            TypeError: When an id is not a non-empty string.

        """
        ids = list(extra)
        for model_id in ids:
            if not isinstance(model_id, str) or not model_id.strip() or " " in model_id:
                raise TypeError(
                    f"OpenRouterEmulator(models=...) takes model id strings such as "
                    f"'openai/gpt-4o', got {model_id!r}."
                )
        self._extra = frozenset(ids)
        self._extra_bases = frozenset(model_id.split(":")[0] for model_id in ids)

    def __repr__(self) -> str:
        return f"ModelRoster(extra={sorted(self._extra)!r})"

    def refusal(self, model_id: str) -> tuple[int, str] | None:
        """OpenRouter's refusal for a requested model id, if it refuses it.

        Args:
            model_id: The request's `model` (or one of its `models`).

        Returns:
            `(HTTP status, message)`, or `None` when the id is served.

        """
        if model_id in self._extra or model_id.startswith(("@preset/", "~")):
            return None
        model_id_without_preset = model_id.split("@preset/")[0]
        base, *variants = model_id_without_preset.split(":")
        if not (base in self._extra_bases or _catalogued(base)) or any(
            variant not in VARIANTS for variant in variants
        ):
            return 400, f"{model_id} is not a valid model ID"
        if any(variant not in _DYNAMIC_VARIANTS for variant in variants):
            return 404, f"No endpoints found for {model_id}."
        return None


def supports_reasoning(model_id: str) -> bool:
    """Whether the model reasons when asked (the catalogue says; ids it lacks do not).

    Args:
        model_id: The request's model.

    Returns:
        True for reasoning models.

    """
    catalogue = _catalogue()
    if catalogue is None:
        return model_id.startswith("google/gemini-2.5") or bool(_GEMINI_3.match(model_id))
    try:
        entry = catalogue.get_model(model_id)
    except (ValueError, AttributeError):
        return False
    return bool(getattr(entry, "supports_reasoning", False))


def _catalogued(base: str) -> bool:
    if "/" not in base:
        # The catalogue's lookup is lenient (`gemini-2.5-flash` means the Google model);
        # OpenRouter's wire takes only full `vendor/name` ids.
        return False
    catalogue = _catalogue()
    if catalogue is None:
        return base in {entry["id"] for entry in _FALLBACK_MODELS["data"]}
    try:
        return catalogue.get_model(base) is not None
    except (ValueError, AttributeError):
        return False


def reasoning_by_default(model_id: str) -> bool:
    """Whether the model reasons (and says so in its reply) without being asked.

    The catalogue's reasoning rules decide when it has them (`mandatory`: reasoning cannot
    be switched off); otherwise the id does: Gemini 2.5 Pro and the 3.x models.

    Args:
        model_id: The request's model.

    Returns:
        True for models whose reasoning is always on.

    """
    catalogue = _catalogue()
    try:
        entry = None if catalogue is None else catalogue.get_model(model_id)
    except (ValueError, AttributeError):
        entry = None
    rules = getattr(entry, "reasoning", None)
    mandatory = getattr(rules, "mandatory", None)
    if isinstance(mandatory, bool):
        return mandatory
    return bool(_MANDATORY_REASONING.match(model_id))


def outputs_images(model_id: str) -> bool:
    """Whether the model can answer with generated images (`output_modalities` has `image`).

    Args:
        model_id: The request's model.

    Returns:
        True for the image models (Gemini 2.5 Flash Image, the 3.x image previews).

    """
    catalogue = _catalogue()
    try:
        entry = None if catalogue is None else catalogue.get_model(model_id.split(":")[0])
    except (ValueError, AttributeError):
        entry = None
    if entry is None:
        return bool(_IMAGE_MODEL.match(model_id))
    return "image" in tuple(getattr(entry, "output_modalities", ()))


def gemini_3(model_id: str) -> bool:
    """Whether replies take Gemini 3's shapes (details at one index, `annotations` on deltas).

    Args:
        model_id: The request's (or the reply's) model.

    Returns:
        True for the 3.x models.

    """
    return bool(_GEMINI_3.match(model_id))


def reasoning_requested(body: Mapping[str, Any]) -> bool | None:
    """What the request says about reasoning.

    Args:
        body: The chat completions request body.

    Returns:
        True when it asks for reasoning (`reasoning`, `reasoning_effort`,
        `include_reasoning`), False when it switches reasoning off, `None` when silent.

    """
    reasoning = body.get("reasoning")
    if isinstance(reasoning, Mapping):
        if reasoning.get("enabled") is False or reasoning.get("effort") == "none":
            return False
        return reasoning.get("max_tokens") != 0
    effort = body.get("reasoning_effort")
    if isinstance(effort, str):
        return effort != "none"
    if isinstance(body.get("include_reasoning"), bool):
        return bool(body["include_reasoning"])
    return None


def reasoning_hidden(body: Mapping[str, Any]) -> bool:
    """Whether the request asks for the reasoning to be left out of the reply (`exclude`).

    Args:
        body: The chat completions request body.

    Returns:
        True with `reasoning: {"exclude": true}`.

    """
    reasoning = body.get("reasoning")
    return isinstance(reasoning, Mapping) and reasoning.get("exclude") is True


def models_payload(output_modalities: str | None = None) -> dict[str, Any]:
    """The `GET /models` reply: the catalogue's listing, or a small fallback without it.

    Args:
        output_modalities: OpenRouter's query parameter of that name, passed on to the
            catalogue; `None` when the request has none (the catalogue's default).

    Returns:
        `{"data": [...]}`.

    """
    catalogue = _catalogue()
    try:
        listing = catalogue.models_endpoint_payload
    except AttributeError:
        return _FALLBACK_MODELS
    payload: dict[str, Any] = listing() if output_modalities is None else listing(output_modalities)
    return payload


def _fallback_model(model_id: str, name: str, prompt: str, completion: str) -> dict[str, Any]:
    return {
        "id": model_id,
        "canonical_slug": model_id,
        "name": name,
        "created": 1750000000,
        "description": f"{name} (emulator fallback entry; the catalogue module was missing).",
        "context_length": 1048576,
        "architecture": {
            "modality": "text+image+file+audio+video->text",
            "input_modalities": ["text", "image", "file", "audio", "video"],
            "output_modalities": ["text"],
            "tokenizer": "Gemini",
            "instruct_type": None,
        },
        "pricing": {"prompt": prompt, "completion": completion, "request": "0", "image": "0"},
        "top_provider": {
            "context_length": 1048576,
            "max_completion_tokens": 65535,
            "is_moderated": False,
        },
        "per_request_limits": None,
        "supported_parameters": [
            "include_reasoning",
            "max_tokens",
            "reasoning",
            "response_format",
            "seed",
            "stop",
            "structured_outputs",
            "temperature",
            "tool_choice",
            "tools",
            "top_p",
        ],
    }


_FALLBACK_MODELS: dict[str, Any] = {
    "data": [
        _fallback_model(
            "google/gemini-2.5-flash", "Google: Gemini 2.5 Flash", "0.0000003", "0.0000025"
        ),
        _fallback_model("google/gemini-2.5-pro", "Google: Gemini 2.5 Pro", "0.00000125", "0.00001"),
    ]
}
