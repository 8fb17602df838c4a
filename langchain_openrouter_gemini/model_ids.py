"""OpenRouter model ids: normalising the forms people type."""

from __future__ import annotations

__all__ = ["VARIANTS", "is_gemini", "normalize_model_id", "split_variants"]

# OpenRouter's model-id suffixes; they chain (`google/gemini-2.5-flash:free:online`).
VARIANTS = ("nitro", "floor", "free", "online", "exacto", "thinking", "extended")


def normalize_model_id(model: str) -> str:
    """Return the OpenRouter id for `model`.

    `openrouter:google/gemini-2.5-flash` and the short `gemini-2.5-flash` both mean
    `google/gemini-2.5-flash`; any other id passes through unchanged, OpenRouter's aliases
    (`~google/gemini-pro-latest`) and presets (`@preset/name`, `model@preset/name`) included:
    OpenRouter resolves those, and the reply names the model that served.

    Raises:
        ValueError: The id is empty or contains whitespace.

    """
    value = model.strip()
    for prefix in ("openrouter:", "openrouter/"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
    if not value or any(ch.isspace() for ch in value):
        msg = f"Model id {model!r} is empty or contains spaces; use e.g. 'google/gemini-2.5-flash'."
        raise ValueError(msg)
    if value.startswith("gemini-"):
        value = f"google/{value}"
    return value


def split_variants(model_id: str) -> tuple[str, tuple[str, ...]]:
    """Split `google/gemini-2.5-flash:free:online` into the base id and its suffixes."""
    base, *variants = model_id.split(":")
    return base, tuple(variants)


def is_gemini(model_id: str) -> bool:
    """Whether the id names a Google Gemini model or alias (thought signatures apply)."""
    return split_variants(model_id)[0].removeprefix("~").startswith("google/gemini")
