"""The sentences our errors show people: what went wrong and what to do about it.

Each builder takes what OpenRouter said (already redacted) and returns one paragraph:
the problem, OpenRouter's own words, the fix, then the upstream provider's raw text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from langchain_openrouter_gemini.errors.parsing import ErrorDetails, one_line, redact
from langchain_openrouter_gemini.errors.retryable import MAX_SERVER_DELAY

__all__ = [
    "MessageContext",
    "ModelIdLookup",
    "describe",
    "invalid_model_advice",
    "stalled_stream_message",
    "use_model_ids",
    "wrong_endpoint_message",
]

RAW_LIMIT = 500
MODELS_PAGE = "https://openrouter.ai/models"
_FALLBACKS = (
    'to route around it, pass provider={"allow_fallbacks": True} or models=[...] '
    "with fallback model ids"
)
_RETRIED = "it is retried automatically up to max_retries times"
# An error inside a 200 reply arrives after the transport's retry loop has finished.
_NOT_RETRIED = (
    "errors inside a reply are not retried automatically: retry the call (or use .with_retry())"
)


_STORIES = {
    "off": "it was not retried (max_retries=0)",
    "long_wait": (
        f"it was not retried: the server asks for a longer wait than the {MAX_SERVER_DELAY:g} s "
        "a retry waits at most"
    ),
    "declined": "it was not retried: the server said not to (x-should-retry: false)",
}


def _retried(ctx: MessageContext) -> str:
    if ctx.in_reply:
        return _NOT_RETRIED
    return _STORIES.get(ctx.retried or "", _RETRIED)


# Greedy, then the sentence's own full stop is dropped: ids have dots (`gemini-2.5-flash`).
_MODEL_IN_MESSAGE = re.compile(r"(?:found for|model|for model)\s+'?([\w.\-]+/[\w.:\-]+)")


@dataclass(frozen=True)
class MessageContext:
    """What a message builder may mention besides the error body itself."""

    status: int | None
    details: ErrorDetails
    retry_after: float | None = None
    model: str | None = None
    in_reply: bool = False
    retried: str | None = None
    """Why a retry loop gave up on this reply, when known: `"off"` (max_retries=0),
    `"exhausted"`, `"long_wait"` (Retry-After over the cap), `"declined"`
    (x-should-retry: false), `"permanent"` (not a transient status)."""
    url: str | None = None
    """The request's URL, when the error answered an HTTP request."""
    emulator: bool = False
    """Whether the bundled OpenRouter emulator answered (its `Server` header says so)."""


def _said(ctx: MessageContext) -> str:
    text = ctx.details.message.strip().rstrip(".")
    return one_line(text, 300) if text else "no details given"


def _status(ctx: MessageContext) -> str:
    code = ctx.status if ctx.status is not None else ctx.details.code
    if code is None:
        return ""
    return f" ({code}, inside a 200 reply)" if ctx.in_reply else f" ({code})"


def _provider(ctx: MessageContext, fallback: str = "The upstream provider") -> str:
    name = ctx.details.provider_name
    return f"The upstream provider {name}" if name else fallback


def _bad_request(ctx: MessageContext) -> str:
    said = _said(ctx)
    lowered = f"{said} {ctx.details.raw or ''}".lower()
    if "thought_signature" in lowered or "reasoning details" in lowered:
        fix = (
            "Send every assistant tool-call message back unchanged, including "
            "additional_kwargs['reasoning_details'], and keep the same provider for the "
            "whole tool loop (provider={'order': [...], 'allow_fallbacks': False})."
        )
    elif "not a valid model id" in lowered:
        fix = invalid_model_advice(said, ctx)
    else:
        fix = "Check the request parameters; retrying it unchanged will fail the same way."
    return f"OpenRouter rejected the request{_status(ctx)}: {said}. {fix}"


_INVALID_ID = re.compile(r"^(\S+) is not a valid model ID", re.IGNORECASE)
_KIND_CLASS = {"chat": "ChatOpenRouterGemini", "embedding": "OpenRouterGeminiEmbeddings"}
_KIND_EXAMPLE = {"chat": "google/gemini-2.5-flash", "embedding": "google/gemini-embedding-001"}

ModelKind = Literal["chat", "embedding"]


@dataclass(frozen=True)
class ModelIdLookup:
    """What the model-id advice asks about ids; the catalogue answers.

    Errors sit below the catalogue (which fetches `/models` through the transport that
    raises them), so they never import it: the catalogue hands this over when it loads.
    """

    kind: Callable[[str], ModelKind | None]
    """Whether an id is a catalogued chat model, embedding model, or neither."""
    closest: Callable[[str, ModelKind | None], str | None]
    """The catalogued id a misspelt one most likely means (of one kind, or of both)."""


# One slot: the catalogue fills it on import, as both model classes do before any request.
_KNOWN_IDS: list[ModelIdLookup] = []


def use_model_ids(lookup: ModelIdLookup) -> None:
    """Let the "not a valid model ID" advice name near misses and the wrong kind of model."""
    _KNOWN_IDS[:] = [lookup]


def _endpoint_kind(url: str | None) -> ModelKind | None:
    path = (url or "").split("?", 1)[0].rstrip("/")
    if path.endswith("/embeddings"):
        return "embedding"
    return "chat" if path.endswith("/chat/completions") else None


def invalid_model_advice(said: str, ctx: MessageContext, ids: ModelIdLookup | None = None) -> str:
    """What to do about OpenRouter's "<id> is not a valid model ID" (the id is in `said`).

    The catalogue knows the Gemini ids (`ids`, by default what it handed over with
    `use_model_ids`): an embedding id sent to chat (or the reverse) is named as such, a
    near miss gets "did you mean", and the emulator, which serves only the catalogue's
    ids, says how to serve another. Without any ids the advice points at the models page.
    """
    ids = ids or next(iter(_KNOWN_IDS), None)
    match = _INVALID_ID.match(said)
    model = match.group(1) if match else ctx.model
    wanted = _endpoint_kind(ctx.url)
    kind = ids.kind(model) if ids and model else None
    if model and wanted and kind and kind != wanted:
        return (
            f"{model} is {'a chat' if kind == 'chat' else 'an embedding'} model, not "
            f"{'a chat' if wanted == 'chat' else 'an embedding'} model: use it with "
            f"{_KIND_CLASS[kind]}, or pick {'a chat' if wanted == 'chat' else 'an embedding'} "
            f"model such as {_KIND_EXAMPLE[wanted]!r}."
        )
    close = ids.closest(model, wanted) if ids and model and wanted else None
    if close is None and ids and model:
        close = ids.closest(model, None)
    if close:
        return f"Did you mean {close!r}? The catalogue's ids: `openrouter-gemini models`."
    if ctx.emulator:
        example = model or "openai/gpt-4o"
        return (
            "This is the offline OpenRouter emulator: it serves the catalogue's Gemini ids "
            "(`openrouter-gemini models` lists them) and the ids it is started with: "
            f"OpenRouterEmulator(models=[{example!r}]) or `python -m "
            f"langchain_openrouter_gemini.testing --model {example}`."
        )
    return f"Check the model id at {MODELS_PAGE}."


_API_PATH = re.compile(r"/(?:chat/completions|embeddings|models|key|generation)/?$")


def wrong_endpoint_message(status: int | None, said: str, method: str, url: str | None) -> str:
    """The message for a 404 no OpenRouter endpoint would send: the base URL is wrong.

    Args:
        status: The HTTP status.
        said: What the server said (its error text, or a note that it sent an HTML page).
        method: The request's method.
        url: The URL that was requested.

    Returns:
        One paragraph naming the URL and the fix (a base URL ending in /api/v1).

    """
    path = (url or "").split("?", 1)[0]
    base = _API_PATH.sub("", path) or "(unknown)"
    if base.rstrip("/").endswith("/api/v1"):
        why = f"{base} has no such endpoint, so it is probably not OpenRouter or its emulator."
    else:
        why = f"the base URL {base} does not end in /api/v1."
    return (
        f"Nothing answers {method} {url or '(unknown URL)'} the way OpenRouter does "
        f"({status}: {one_line(said, 200)}): {why} The base URL should end in /api/v1: "
        "https://openrouter.ai/api/v1, or the emulator's http://127.0.0.1:PORT/api/v1 as it "
        "prints it. Fix base_url=... or OPENROUTER_BASE_URL."
    )


def _context(ctx: MessageContext) -> str:
    return (
        f"The input is longer than the model's context window{_status(ctx)}: {_said(ctx)}. "
        "Trim or summarize earlier messages (langchain_core.messages.trim_messages), lower "
        'max_tokens, or pass transforms=["middle-out"] to let OpenRouter compress the '
        "middle of the prompt."
    )


def _auth(ctx: MessageContext) -> str:
    return (
        f"OpenRouter rejected the API key{_status(ctx)}: {_said(ctx)}. Set "
        "OPENROUTER_API_KEY or pass api_key=... to ChatOpenRouterGemini."
    )


def _credits(ctx: MessageContext) -> str:
    return (
        f"OpenRouter says the account or key has too few credits{_status(ctx)}: {_said(ctx)}. "
        "Add credits at https://openrouter.ai/settings/credits (or raise the key's credit "
        "limit), or lower max_tokens so the request fits the remaining balance."
    )


def _moderation(ctx: MessageContext) -> str:
    details = ctx.details
    if not details.reasons and details.flagged_input is None:
        return (
            f"OpenRouter refused the request{_status(ctx)}: {_said(ctx)}. The input may have "
            "been flagged by moderation or a guardrail, or the key may not be allowed to use "
            "this model; check the key's guardrail and privacy settings on openrouter.ai."
        )
    reasons = ", ".join(details.reasons) if details.reasons else "not given"
    flagged = (
        f' Flagged text: "{one_line(details.flagged_input, 120)}".' if details.flagged_input else ""
    )
    return (
        f"OpenRouter's moderation flagged the input{_status(ctx)}: {_said(ctx)}. "
        f"Reasons: {reasons}.{flagged} Rephrase or remove the flagged content; retrying it "
        "unchanged will be refused again."
    )


def _not_found(ctx: MessageContext) -> str:
    said = _said(ctx)
    lowered = said.lower()
    if "support" in lowered or "guardrail" in lowered or "data policy" in lowered:
        return (
            f"OpenRouter found no provider for this model that can serve the request"
            f"{_status(ctx)}: {said}. Drop the feature no provider supports (tools, images, "
            "structured output), relax the provider={...} routing, or check "
            "https://openrouter.ai/settings/privacy."
        )
    model = ctx.model
    if model is None and (match := _MODEL_IN_MESSAGE.search(said + " ")):
        model = match.group(1).rstrip(".:,")
    subject = f"model {model!r}" if model else "the requested model"
    return (
        f"OpenRouter could not find {subject}{_status(ctx)}: {said}. Check the id at "
        f"{MODELS_PAGE} (Gemini ids look like 'google/gemini-2.5-flash')."
    )


def _timeout(ctx: MessageContext) -> str:
    return (
        f"OpenRouter timed out waiting for the model{_status(ctx)}: {_said(ctx)}. "
        f"{_retried(ctx).capitalize()}; for long reasoning raise timeout=... or lower the "
        "reasoning effort."
    )


def _too_large(ctx: MessageContext) -> str:
    return (
        f"The request is too large for OpenRouter{_status(ctx)}: {_said(ctx)}. Send fewer or "
        "smaller attachments (images, PDFs, audio, video), or pass large files by https URL "
        "instead of inline base64."
    )


def _rate_limit(ctx: MessageContext) -> str:
    said = _said(ctx)
    wait = f" The server asks to wait {ctx.retry_after:g} s." if ctx.retry_after is not None else ""
    throttle = "throttle with rate_limiter=InMemoryRateLimiter(...)"
    if ctx.in_reply:
        fix = f" {_NOT_RETRIED.capitalize()}; or {throttle}."
    elif ctx.retried in _STORIES:
        # Raising max_retries would not help: this reply was never going to be retried.
        later = "after the wait" if ctx.retry_after is not None else "later"
        fix = f" {_retried(ctx).capitalize()}; call again {later}, or {throttle}."
    elif ctx.retried == "exhausted":
        fix = (
            " It was retried max_retries times (honouring Retry-After) without success; "
            f"raise max_retries, or {throttle}."
        )
    else:
        fix = f" {_RETRIED.capitalize()} (honouring Retry-After); raise max_retries, or {throttle}."
    if "per-day" in said.lower():
        fix += " This is a daily quota: add credits, or use the model id without ':free'."
    elif ctx.details.provider_name:
        fix += f" The limit is {ctx.details.provider_name}'s; {_FALLBACKS}."
    return f"OpenRouter rate limit hit{_status(ctx)}: {said}.{wait}{fix}"


_UPSTREAM_WHAT = {
    502: "returned an invalid reply or is down",
    503: "is unavailable (no provider meets the routing requirements)",
    524: "timed out",
    529: "is overloaded",
}


def _upstream(ctx: MessageContext) -> str:
    what = _UPSTREAM_WHAT.get(ctx.status or 0, "failed")
    return (
        f"{_provider(ctx)} {what}{_status(ctx)}: {_said(ctx)}. This is usually temporary: "
        f"{_retried(ctx)}; {_FALLBACKS}."
    )


def _stream(ctx: MessageContext) -> str:
    fix = f"retry the request, or {_FALLBACKS}"
    if ctx.details.code == "MALFORMED_FUNCTION_CALL":
        # Not transient (see `retryable`): the same schemas tend to fail the same way.
        fix = (
            "simplify the tool schemas (fewer parameters, less nesting); the same request "
            "tends to fail the same way"
        )
    return (
        f"{_provider(ctx, 'OpenRouter')} reported an error inside the reply{_status(ctx)}: "
        f"{_said(ctx)}. The answer is incomplete; {fix}."
    )


_BUILDERS: dict[str, Callable[[MessageContext], str]] = {
    "bad_request": _bad_request,
    "context": _context,
    "auth": _auth,
    "credits": _credits,
    "moderation": _moderation,
    "not_found": _not_found,
    "timeout": _timeout,
    "too_large": _too_large,
    "rate_limit": _rate_limit,
    "upstream": _upstream,
    "stream": _stream,
}


def describe(kind: str, ctx: MessageContext) -> str:
    """Build the message for an error of `kind` (a key such as "auth" or "rate_limit").

    Args:
        kind: Which builder to use; unknown kinds use the mid-reply wording.
        ctx: The status, parsed body and extras the sentence may mention.

    Returns:
        One redacted paragraph ending with the upstream raw text, when there is one.

    """
    text = _BUILDERS.get(kind, _stream)(ctx)
    raw = ctx.details.raw
    if raw and one_line(raw, RAW_LIMIT) not in text:
        text += f" Upstream said: {one_line(raw, RAW_LIMIT)}"
    return redact(text)


def stalled_stream_message(seconds: float | None) -> str:
    """The message for a stream that went silent after its reply had started.

    Args:
        seconds: The limit that was passed (`stream_chunk_timeout`, or a shorter
            `timeout`), when known.

    Returns:
        One paragraph: it stalled, it is not retried, what to do.

    """
    quiet = (
        f"no chunk for {seconds:g} s (keep-alive comments do not count)"
        if seconds is not None
        else "no chunk within the timeout"
    )
    return (
        f"The OpenRouter stream stalled: {quiet} after the reply had started, so the answer "
        "is incomplete. A stream is not retried automatically once tokens may have reached "
        "you (they would arrive twice): retry the call, or use .with_retry(). "
        "stream_chunk_timeout=... sets how long a stream may go without a chunk."
    )
