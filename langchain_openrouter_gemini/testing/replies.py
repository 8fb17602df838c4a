"""Scripted replies: what the emulated model answers, independent of JSON or SSE framing."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

__all__ = ["Billing", "DetailsLayout", "Reply", "ToolCallSpec", "UsageChunk"]

UsageChunk = Literal["delta", "no_choices", "repeat_finish"]
Billing = Literal["credits", "byok", "unknown"]
DetailsLayout = Literal["auto", "gemini-2.5", "gemini-3"]
_USAGE_CHUNKS = ("delta", "no_choices", "repeat_finish")
_BILLINGS = ("credits", "byok", "unknown")
_LAYOUTS = ("auto", "gemini-2.5", "gemini-3")


@dataclass(frozen=True)
class ToolCallSpec:
    """One function call the emulated model makes.

    Attributes:
        name: The tool's name.
        arguments: The arguments, as a JSON-able mapping or an already-encoded JSON string
            (a string is sent verbatim, so malformed arguments can be scripted).
        id: The tool call id; `None` mints a Gemini-style `tool_<name>_<20 alnum>` id.

    """

    name: str
    arguments: Mapping[str, Any] | str = field(default_factory=dict)
    id: str | None = None

    def arguments_json(self) -> str:
        """The arguments as the JSON string that goes on the wire.

        Returns:
            `arguments` itself when it is a string, else compact JSON (non-ASCII kept).

        """
        if isinstance(self.arguments, str):
            return self.arguments
        return json.dumps(self.arguments, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class Reply:
    """One scripted answer of the emulated model (served as JSON or as an SSE stream).

    Build one with the classmethods (`Reply.text`, `Reply.reasoning`, `Reply.tool_call`,
    `Reply.tool_calls`, `Reply.image`, `Reply.annotations`, `Reply.verbatim`) and adjust it
    with keyword options or `with_options`. Every field left at its default is filled in from
    the request, as OpenRouter would: a model that reasons by default (Gemini 2.5 Pro, 3.x),
    or a reasoning model asked to reason, answers with reasoning text and signed details.

    Attributes:
        content: The answer text (`None` sends `content: null`).
        reasoning_text: Reasoning text (`message.reasoning`); with `reasoning_details=None` it
            also yields a `reasoning.text` detail and a signed `reasoning.encrypted` detail.
            `None` lets the request decide (see `auto_reasoning`).
        reasoning_details: Sent verbatim when given; `None` lets the emulator build them (and
            sign them) from `reasoning_text` and the tool calls. `()` sends none at all.
        auto_reasoning: Add reasoning (a short thought summary) when `reasoning_text` is
            `None` and the request or the model calls for it; `False` never adds any.
        details_layout: `"gemini-3"`: the text and encrypted details share `index: 0`, and in
            a stream the encrypted one arrives with the last text piece and the finish reason;
            `"gemini-2.5"`: consecutive indexes, the encrypted one in its own delta; `"auto"`
            follows the model.
        signature_only: The reasoning is one `reasoning.text` detail holding only a
            `signature` (no text), with `message.reasoning: null` (Gemini 3.6 Flash).
        placeholder_details: Give the `reasoning.text` detail a `signature` and stream it as
            an empty placeholder (`"text": "", "signature": ""`), then the text fragments,
            then the signature's value, as some upstreams do.
        calls: Function calls; they always carry one encrypted detail (a Gemini thought
            signature) tied to the first call unless `reasoning_details` is given.
        images: `message.images` entries.
        citations: `message.annotations` entries.
        model: The model reported as having served (a dated id, or a fallback model);
            `None` echoes the request's model.
        provider: `"Google AI Studio"` or `"Google"`; `None` follows the request's routing.
        finish_reason: `None` derives it (`tool_calls` or `stop`).
        native_finish_reason: `None` derives it (`STOP`, `MAX_TOKENS`).
        prompt_tokens: Overrides the emulator's estimate of the prompt size.
        completion_tokens: Overrides the estimate of the completion size.
        reasoning_tokens: Overrides the estimate of the reasoning tokens.
        cached_tokens: `prompt_tokens_details.cached_tokens`.
        cache_write_tokens: `prompt_tokens_details.cache_write_tokens`.
        cost: Overrides the computed USD cost.
        billing: `"credits"`: an ordinary reply (`cost`, `is_byok: false`,
            `upstream_inference_cost: null`); `"byok"`: the user's own provider key (`cost: 0`,
            `is_byok: true`, the upstream cost in `cost_details`); `"unknown"`: no `cost`, no
            `is_byok`, no `cost_details` at all (as some Gemini 2.5 Pro replies were).
        service_tier: The top-level `service_tier`; `"auto"` sends `"default"` for the
            models that send one (Gemini 3.x), `None` never sends it.
        chunk_size: Characters per streamed content/reasoning delta (1 gives one delta per
            character, so a benchmark can ask for thousands of chunks).
        usage_chunk: The form of the stream's last (usage) chunk: `"delta"` (one choice with
            `delta: {"role": "assistant", "content": ""}` and `finish_reason: null`, the most
            common), `"no_choices"` (`choices: []`) or `"repeat_finish"` (a choice repeating
            the finish reason).
        usage_in_empty_choices: Shorthand for `usage_chunk="no_choices"`.
        raw: Recorded bytes served exactly as given (see `Reply.verbatim`); every other
            field is then ignored.
        raw_content_type: The `Content-Type` for `raw`.

    """

    content: str | None = ""
    reasoning_text: str | None = None
    reasoning_details: tuple[Mapping[str, Any], ...] | None = None
    calls: tuple[ToolCallSpec, ...] = ()
    images: tuple[Mapping[str, Any], ...] = ()
    citations: tuple[Mapping[str, Any], ...] = ()
    model: str | None = None
    provider: str | None = None
    finish_reason: str | None = None
    native_finish_reason: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    reasoning_tokens: int | None = None
    cached_tokens: int = 0
    cache_write_tokens: int = 0
    cost: float | None = None
    auto_reasoning: bool = True
    details_layout: DetailsLayout = "auto"
    signature_only: bool = False
    placeholder_details: bool = False
    billing: Billing = "credits"
    service_tier: str | None = "auto"
    chunk_size: int = 24
    usage_chunk: UsageChunk = "delta"
    usage_in_empty_choices: bool = False
    raw: bytes | None = field(default=None, repr=False)
    raw_content_type: str | None = None

    def __post_init__(self) -> None:
        if self.chunk_size < 1:
            raise ValueError(f"Reply chunk_size must be >= 1, got {self.chunk_size}.")
        for name, allowed in (
            ("usage_chunk", _USAGE_CHUNKS),
            ("billing", _BILLINGS),
            ("details_layout", _LAYOUTS),
        ):
            if getattr(self, name) not in allowed:
                raise ValueError(
                    f"Reply {name} must be one of {list(allowed)}, got {getattr(self, name)!r}."
                )
        if self.usage_in_empty_choices:
            object.__setattr__(self, "usage_chunk", "no_choices")
        # Lists are accepted for convenience; stored as tuples so a reply stays immutable and
        # can be enqueued more than once.
        for name in ("calls", "images", "citations"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if self.reasoning_details is not None:
            object.__setattr__(self, "reasoning_details", tuple(self.reasoning_details))

    def with_options(self, **options: Any) -> Reply:
        """A copy with some fields changed (e.g. `model=`, `usage_in_empty_choices=True`).

        Args:
            **options: Field names of `Reply` and their new values.

        Returns:
            The changed copy.

        """
        return replace(self, **options)

    @classmethod
    def text(cls, content: str, **options: Any) -> Reply:
        """A plain text answer.

        Args:
            content: The answer.
            **options: Other `Reply` fields.

        Returns:
            The reply.

        """
        return cls(content=content, **options)

    @classmethod
    def verbatim(cls, data: bytes | str, content_type: str | None = None) -> Reply:
        """Recorded bytes (a JSON body or SSE text), served exactly as given with HTTP 200.

        For replaying captures of live traffic: nothing is added, checked or re-encoded.

        Args:
            data: The body; `str` is encoded as UTF-8.
            content_type: The `Content-Type`; `None` picks `text/event-stream` when the data
                starts with an SSE line (`data:` or a `:` comment), else `application/json`.

        Returns:
            The reply.

        Raises:
            ValueError: When `data` is empty.

        """
        raw = data.encode() if isinstance(data, str) else bytes(data)
        if not raw:
            raise ValueError("Reply.verbatim needs the recorded bytes; got an empty body.")
        if content_type is None:
            head = raw.lstrip()
            sse = head.startswith((b"data:", b":", b"event:"))
            content_type = "text/event-stream" if sse else "application/json"
        return cls(raw=raw, raw_content_type=content_type)

    @classmethod
    def reasoning(cls, reasoning: str, answer: str, **options: Any) -> Reply:
        """An answer with reasoning text, a `reasoning.text` detail and a signed encrypted one.

        Args:
            reasoning: The reasoning text.
            answer: The answer text.
            **options: Other `Reply` fields.

        Returns:
            The reply.

        """
        return cls(content=answer, reasoning_text=reasoning, **options)

    @classmethod
    def tool_call(
        cls,
        name: str,
        args: Mapping[str, Any] | str | None = None,
        id: str | None = None,
        **options: Any,
    ) -> Reply:
        """One function call, with its thought signature (an encrypted detail).

        Args:
            name: The tool's name.
            args: The arguments (mapping, or a raw JSON string).
            id: The tool call id; minted when `None`.
            **options: Other `Reply` fields (e.g. `reasoning_text=` for the Gemini 3 shape).

        Returns:
            The reply.

        """
        spec = ToolCallSpec(name, {} if args is None else args, id)
        return cls(content=options.pop("content", ""), calls=(spec,), **options)

    @classmethod
    def tool_calls(
        cls,
        calls: Sequence[ToolCallSpec | tuple[Any, ...] | Mapping[str, Any]],
        **options: Any,
    ) -> Reply:
        """Parallel function calls; one encrypted detail, tied to the first call.

        Args:
            calls: `ToolCallSpec`s, `(name, args)` / `(name, args, id)` tuples, or mappings
                with `name`, `args` and optionally `id`.
            **options: Other `Reply` fields.

        Returns:
            The reply.

        Raises:
            ValueError: When `calls` is empty.

        """
        if not calls:
            raise ValueError("Reply.tool_calls needs at least one call; use Reply.text instead.")
        specs = tuple(_as_spec(call) for call in calls)
        return cls(content=options.pop("content", ""), calls=specs, **options)

    @classmethod
    def image(
        cls,
        image: bytes | str,
        mime_type: str = "image/png",
        text: str = "Here is the image.",
        **options: Any,
    ) -> Reply:
        """An answer with a generated image in `message.images`.

        Args:
            image: Raw image bytes, or a URL / data URL sent as is.
            mime_type: The MIME type used to build a data URL from bytes.
            text: The accompanying text.
            **options: Other `Reply` fields.

        Returns:
            The reply.

        """
        if isinstance(image, bytes):
            url = f"data:{mime_type};base64,{base64.b64encode(image).decode()}"
        else:
            url = image
        entry = {"type": "image_url", "image_url": {"url": url}}
        return cls(content=text, images=(entry,), **options)

    @classmethod
    def annotations(
        cls, text: str, citations: Sequence[Mapping[str, Any]], **options: Any
    ) -> Reply:
        """An answer with `url_citation` annotations (web search results).

        Args:
            text: The answer.
            citations: Full annotation objects, or short `{url, title, content,
                start_index, end_index}` mappings that get wrapped as `url_citation`s.
            **options: Other `Reply` fields.

        Returns:
            The reply.

        """
        wrapped = tuple(
            item if "type" in item else {"type": "url_citation", "url_citation": dict(item)}
            for item in citations
        )
        return cls(content=text, citations=wrapped, **options)


def _as_spec(call: ToolCallSpec | tuple[Any, ...] | Mapping[str, Any]) -> ToolCallSpec:
    if isinstance(call, ToolCallSpec):
        return call
    if isinstance(call, tuple):
        return ToolCallSpec(*call)
    return ToolCallSpec(call["name"], call.get("args", call.get("arguments", {})), call.get("id"))
