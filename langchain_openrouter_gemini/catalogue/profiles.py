"""LangChain model profiles (`ModelProfile` keys) from the catalogue or `/models` entries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from langchain_openrouter_gemini.catalogue.entries import GeminiModel, model_from_entry
from langchain_openrouter_gemini.catalogue.lookup import base_id, get_model
from langchain_openrouter_gemini.model_ids import is_gemini

__all__ = ["generic_profile", "model_profile", "profile_from_models_endpoint", "profile_of"]

_GEMINI_INPUTS = ("text", "image", "file", "audio", "video")
_GEMINI_PARAMETERS = frozenset(
    ["tools", "tool_choice", "structured_outputs", "reasoning", "temperature"]
)


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
    # One builder for every source, so the static table and the live endpoint cannot drift.
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


def profile_of(model: GeminiModel) -> dict[str, Any]:
    """The profile of one catalogue (or live) entry."""
    return _build_profile(
        name=model.name,
        release_date=model.created,
        max_input_tokens=model.context_window,
        max_output_tokens=model.max_output_tokens,
        input_modalities=model.input_modalities,
        output_modalities=model.output_modalities,
        parameters=frozenset(model.supported_parameters),
    )


def model_profile(model_id: str) -> dict[str, Any]:
    """LangChain's model profile (the `ModelProfile` keys) for a catalogued model.

    Args:
        model_id: An OpenRouter model id (variants and dated ids accepted).

    Returns:
        The profile, or `{}` for a model the catalogue does not know (no network call is made;
        `resolve_profile` asks `GET /models` for those).

    Raises:
        ValueError: The id is empty or contains whitespace.

    """
    model = get_model(model_id)
    return {} if model is None else profile_of(model)


def generic_profile(model_id: str) -> dict[str, Any]:
    """The profile assumed for a model nobody could describe (no catalogue entry, no `/models`).

    Limits are left out rather than guessed. A `google/gemini-*` id (or an alias such as
    `~google/gemini-pro-latest`) gets what every Gemini model on OpenRouter has had: all
    five input modalities, tools, structured output and reasoning; anything else only text in
    and text out (the capabilities nobody vouched for are left out, not set false).
    """
    try:
        base, _ = base_id(model_id)
    except ValueError:
        base = model_id
    if is_gemini(base):
        return _build_profile(
            name=base,
            release_date=None,
            max_input_tokens=None,
            max_output_tokens=None,
            input_modalities=_GEMINI_INPUTS,
            output_modalities=("text",),
            parameters=_GEMINI_PARAMETERS,
        )
    # Another vendor's model (a `models` fallback): claim nothing beyond text in, text out.
    return {"name": base, "text_inputs": True, "text_outputs": True}


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
    if not isinstance(entry.get("id"), str) or not entry.get("id"):
        entry = {**entry, "id": str(entry.get("name") or "unknown")}
    model = model_from_entry(entry)
    profile = profile_of(model)
    if not entry.get("name"):
        profile["name"] = str(entry.get("id"))
    return profile
