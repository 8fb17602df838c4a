"""Checks made before anything is sent: settings and call arguments that cannot be right.

OpenRouter ignores body fields it does not know and answers some bad values with a default,
so a typo costs a paid request and silently changes the answer. Each check here raises a
`ValueError` that names the field and the fix instead, before a request exists.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import AliasChoices, AliasPath, BaseModel, TypeAdapter, ValidationError

from langchain_openrouter_gemini.model_ids import normalize_model_id

__all__ = [
    "check_call_arguments",
    "check_call_value",
    "check_choice_count",
    "check_known_arguments",
    "check_max_tokens",
    "check_messages",
    "check_model_kind",
    "checked_model_id",
]

_EXTRA_FIX = (
    "To send a field OpenRouter knows but this class does not, pass it deliberately: "
    "model_kwargs={...} (every call) or extra_body={...}."
)


@functools.lru_cache(maxsize=32)
def _accepted_names(model: type[BaseModel]) -> frozenset[str]:
    """Every name the model's constructor takes: field names and their aliases."""
    names: set[str] = set()
    for name, field in model.model_fields.items():
        names.add(name)
        if field.alias:
            names.add(field.alias)
        alias = field.validation_alias
        if isinstance(alias, str):
            names.add(alias)
        elif isinstance(alias, AliasChoices):
            names.update(choice for choice in alias.choices if isinstance(choice, str))
        elif isinstance(alias, AliasPath) and isinstance(alias.path[0], str):
            names.add(alias.path[0])
    return frozenset(names)


def check_known_arguments(
    model: type[BaseModel],
    values: Mapping[str, Any],
    *,
    also: Iterable[str] = (),
    fix: str = _EXTRA_FIX,
) -> None:
    """Reject constructor arguments the model has no field for, suggesting the closest name.

    Args:
        model: The model class being built.
        values: The constructor's keyword arguments.
        also: Further accepted names (old spellings translated elsewhere).
        fix: How to send a deliberate extra field with this model, appended to the message.

    Raises:
        ValueError: An argument is unknown; the message names it, the closest known name
            ("did you mean 'temperature'?") and how to send a deliberate extra field.

    """
    known = _accepted_names(model) | frozenset(also)
    unknown = [key for key in values if isinstance(key, str) and key not in known]
    if not unknown:
        return
    problems = []
    for key in unknown:
        close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
        hint = f": did you mean {close[0]!r}?" if close else ""
        problems.append(f"{key!r}{hint}")
    msg = (
        f"{model.__name__} got unknown argument(s) {', '.join(problems)} "
        f"(OpenRouter would ignore them and use its defaults). {fix}"
    )
    raise ValueError(msg)


def check_call_arguments(
    model: type[BaseModel],
    unknown: Iterable[str],
    known: Iterable[str],
    *,
    unsupported: Mapping[str, str] | None = None,
) -> None:
    """Reject per-call arguments (`invoke(..., **kw)`, `bind(...)`) that nothing reads.

    Args:
        model: The chat model class (its constructor-only settings get their own hint).
        unknown: The per-call names left over once every known one was taken.
        known: The per-call names that are accepted, for "did you mean".
        unsupported: Names of features OpenRouter lacks, to why (quoted instead).

    Raises:
        ValueError: Some are left; the message names each, the closest accepted name, and
            how to send a deliberate extra body field.

    """
    names = [key for key in unknown if isinstance(key, str)]
    if not names:
        return
    choices = sorted(set(known))
    fields = _accepted_names(model)
    problems = []
    for key in names:
        if unsupported and key in unsupported:
            problems.append(f"{key!r}: not supported, {unsupported[key]}")
            continue
        if key in fields:
            problems.append(
                f"{key!r}: a model setting, not a per-call argument "
                f"(use model.model_copy(update={{{key!r}: ...}}))"
            )
            continue
        close = difflib.get_close_matches(key, choices, n=1, cutoff=0.6)
        problems.append(f"{key!r}: did you mean {close[0]!r}?" if close else repr(key))
    msg = (
        f"{model.__name__} got unknown per-call argument(s) {'; '.join(problems)}. "
        "They are neither request options (timeout, extra_headers, extra_query) nor body "
        "fields this class sends, and OpenRouter would ignore them. To send a field "
        "OpenRouter knows but this class does not, pass it deliberately: "
        "extra_body={...} (this call) or model_kwargs={...} (every call)."
    )
    raise ValueError(msg)


def check_choice_count(value: Any, *, source: str) -> None:
    """Reject `n` above 1: OpenRouter returns one choice whatever `n` says.

    Raises:
        ValueError: `value` is an integer other than 1 (`None` is the default, one).

    """
    if value is None or value == 1:
        return
    msg = (
        f"{source}: n={value!r} is not supported: OpenRouter returns a single choice per "
        "request (it does not list `n` among its parameters), so the other choices would "
        "never arrive. Drop n, and for several answers send several requests, e.g. "
        "model.batch([prompt] * 3) (with a temperature above 0 so they differ)."
    )
    raise ValueError(msg)


_OTHER_KIND = {
    "chat": ("an embedding", "OpenRouterGeminiEmbeddings", "google/gemini-2.5-flash"),
    "embedding": ("a chat", "ChatOpenRouterGemini", "google/gemini-embedding-001"),
}


def check_model_kind(model_id: str, wanted: str, owner: str) -> None:
    """Reject a catalogued embedding id given to a chat model, or a chat id to embeddings.

    OpenRouter answers either with "<id> is not a valid model ID", after a round trip,
    which hides that the id is right but the class is wrong.

    Args:
        model_id: The normalised model id.
        wanted: `"chat"` or `"embedding"`: what `owner` serves.
        owner: The class name, quoted in the message.

    Raises:
        ValueError: The catalogue lists the id as the other kind of model.

    """
    from langchain_openrouter_gemini.catalogue.lookup import model_kind

    kind = model_kind(model_id)
    if kind is None or kind == wanted:
        return
    article, right_class, example = _OTHER_KIND[wanted]
    msg = (
        f"{model_id} is {article} model, not {'a chat' if wanted == 'chat' else 'an embedding'} "
        f"model, so {owner} cannot use it: use {right_class}(model={model_id!r}) for it, or "
        f"give {owner} {'a chat' if wanted == 'chat' else 'an embedding'} model such as "
        f"{example!r}."
    )
    raise ValueError(msg)


def checked_model_id(value: str, wanted: str, owner: str) -> str:
    """The model id a constructor stores: `value` normalised, and of the kind `owner` serves.

    Raises:
        ValueError: The id is empty or has spaces, or is a catalogued model of the other
            kind (see `check_model_kind`).

    """
    model = normalize_model_id(value)
    check_model_kind(model, wanted, owner)
    return model


def check_messages(messages: Sequence[Any]) -> None:
    """Reject an empty conversation, which OpenRouter answers with a 400 after a round trip.

    Raises:
        ValueError: `messages` is empty.

    """
    if not messages:
        msg = (
            "No messages to send: the input is an empty list. Pass a string or at least one "
            "message, e.g. model.invoke('Hello') or model.invoke([HumanMessage('Hello')])."
        )
        raise ValueError(msg)


def check_max_tokens(value: Any, *, source: str) -> None:
    """Reject a `max_tokens` that could never let the model answer.

    Args:
        value: The value given.
        source: Where it came from, quoted in the error (e.g. "invoke(..., max_tokens=...)").

    Raises:
        ValueError: `value` is an integer below 1.

    """
    if isinstance(value, int) and not isinstance(value, bool) and value <= 0:
        msg = (
            f"{source}: max_tokens={value} leaves no room for an answer. Pass a positive "
            "number of output tokens (e.g. max_tokens=1024), or None for the model's default."
        )
        raise ValueError(msg)


def check_call_value(model: type[BaseModel], name: str, value: Any) -> Any:
    """Apply the constructor's rule for field `name` to a per-call value.

    `invoke(..., temperature="hot")` would otherwise go out as `"temperature": "hot"`;
    the constructor rejects the same value, so the call does too. Values the constructor
    would convert (`"0.5"` for a float) are converted the same way.

    Args:
        model: The chat model class, whose field `name` defines the rule.
        name: The argument's name.
        value: The per-call value.

    Returns:
        The value as the constructor would store it.

    Raises:
        ValueError: The value does not fit the field's type, or is a `max_tokens` below 1.

    """
    source = f"invoke(..., {name}=...)"
    adapter = _adapter(model, name)
    if adapter is not None:
        try:
            value = adapter.validate_python(value)
        except ValidationError as exc:
            reason = exc.errors()[0].get("msg", "wrong type")
            msg = (
                f"{source}: {name}={value!r} is not valid ({reason}). Pass the same kind "
                f"of value the constructor takes for {name!r}, e.g. {_example(name)}."
            )
            raise ValueError(msg) from None
    if name == "max_tokens":
        check_max_tokens(value, source=source)
    return value


@functools.lru_cache(maxsize=128)
def _adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any] | None:
    field = model.model_fields.get(name)
    if field is None or field.annotation is None:
        return None
    return TypeAdapter(field.annotation)


_EXAMPLES = {
    "temperature": "temperature=0.7",
    "top_p": "top_p=0.95",
    "top_k": "top_k=40",
    "max_tokens": "max_tokens=1024",
    "seed": "seed=42",
    "logprobs": "logprobs=True",
}


def _example(name: str) -> str:
    return _EXAMPLES.get(name, f"{name}=<value>")
