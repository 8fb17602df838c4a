"""Building a model from the command line, with errors that name the flag at fault.

The library's checks raise pydantic `ValidationError`s worded for Python callers
(`reasoning_effort='minimal'`, a pydantic URL). Here they become one line that starts with
the flag that caused it and speaks in flags.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from langchain_openrouter_gemini.cli.command import UsageError

__all__ = ["build_model", "check_model_kind", "plain_message"]

T = TypeVar("T")

# Python spellings in the library's advice, and the flag a shell user types instead.
_IN_FLAGS = (
    (re.compile(r"\breasoning_effort=(?:'|\")?(\w+)(?:'|\")?"), r"--reasoning \1"),
    (re.compile(r"\bdimensions=(\d+)"), r"--dimensions \1"),
)
_PYDANTIC_PREFIX = re.compile(r"^(?:Value|Assertion) error, ")


def plain_message(error: Exception) -> str:
    """The error's own words: a `ValidationError`'s messages without pydantic's framing."""
    from pydantic import ValidationError

    if isinstance(error, ValidationError):
        parts = []
        for item in error.errors():
            text = _PYDANTIC_PREFIX.sub("", str(item.get("msg", "")))
            where = ".".join(str(part) for part in item.get("loc", ()))
            # A field's own type complaint needs the field's name; a check's message has it.
            parts.append(
                text if item.get("type") == "value_error" or not where else f"{where}: {text}"
            )
        text = "; ".join(parts)
    else:
        text = str(error)
    for pattern, flag in _IN_FLAGS:
        text = pattern.sub(flag, text)
    return text


def build_model(
    make: Callable[..., T],
    settings: dict[str, Any],
    flags: Sequence[tuple[str, dict[str, Any]]],
    *,
    model_flag: str,
) -> T:
    """`make(**settings, **every flag's settings)`; on failure, blame the flag that broke it.

    Args:
        make: Builds the model from keyword settings (the model string is bound in).
        settings: Settings no flag gave (the endpoint's).
        flags: `(flag as typed, the settings it adds)`, in the order they are tried.
        model_flag: How to name the model string when it is at fault (`--model SPEC`).

    Raises:
        UsageError: The model cannot be built; the message starts with the flag at fault.

    """
    merged = dict(settings)
    for _, extra in flags:
        merged.update(extra)
    try:
        return make(**merged)
    except (ValueError, TypeError) as exc:  # pydantic's ValidationError is a ValueError
        failure: Exception = exc
    # Add the flags one at a time: the first whose settings fail is the one to blame.
    tried = dict(settings)
    for flag, extra in ((model_flag, {}), *flags):
        tried.update(extra)
        try:
            make(**tried)
        except (ValueError, TypeError) as exc:
            message = plain_message(exc)
            raise UsageError(
                message if message.startswith(flag) else f"{flag}: {message}"
            ) from None
    raise UsageError(plain_message(failure)) from None


# What each command serves: (the kind, the other command, a default of the kind).
_COMMAND_KINDS = {
    "chat": ("chat", "embed", "google/gemini-2.5-flash"),
    "embed": ("embedding", "chat", "google/gemini-embedding-001"),
}


def check_model_kind(command: str, spec: str) -> None:
    """Refuse an embedding model given to `chat`, or a chat model given to `embed`.

    Raises:
        UsageError: The catalogue lists `--model`'s id as the other kind; the message names
            the command that serves it.

    """
    from langchain_openrouter_gemini.catalogue import model_kind

    wanted, other, example = _COMMAND_KINDS[command]
    model = spec.partition("?")[0]
    kind = model_kind(model)
    if kind is None or kind == wanted:
        return
    raise UsageError(
        f"--model {spec}: {model} is {'a chat' if kind == 'chat' else 'an embedding'} model, "
        f"not {'a chat' if wanted == 'chat' else 'an embedding'} model. Use it with "
        f"`openrouter-gemini {other} ... --model {model}`, or give {command} one such as "
        f"--model {example}."
    )
