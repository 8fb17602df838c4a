"""OpenRouter server-sent events to LangChain message chunks.

`StreamParser` is a plain state machine fed one line at a time, so the sync and async
transports share every rule: keep-alive comments, `content: null`, the usage chunk sent
in any of its three forms, `[DONE]` (the end: nothing after it is read), mid-stream
errors (even after a normal finish), and streams cut short. A stream that fails keeps
what it had delivered on the error (`OpenRouterError.partial_message`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from langchain_core.messages import AIMessageChunk
from langchain_core.messages.ai import add_ai_message_chunks
from langchain_core.messages.tool import ToolCallChunk, tool_call_chunk
from langchain_core.outputs import ChatGenerationChunk

from langchain_openrouter_gemini.errors import (
    OpenRouterConnectionError,
    OpenRouterError,
    error_from_payload,
    malformed_response,
)
from langchain_openrouter_gemini.wire.outputs import image_reply_blocks
from langchain_openrouter_gemini.wire.response.chat import (
    MODEL_PROVIDER,
    reply_metadata,
    tool_call_problem,
)
from langchain_openrouter_gemini.wire.response.reasoning_details import (
    ReasoningDetailsAccumulator,
    reasoning_text,
)
from langchain_openrouter_gemini.wire.response.usage import cost_fields, usage_to_metadata

__all__ = ["StreamParser"]


class StreamParser:
    """Turns the lines of an OpenRouter SSE stream into `ChatGenerationChunk`s.

    Content, reasoning text and tool-call fragments are yielded as they arrive. Everything
    that is only known once (usage, cost, finish reasons, the merged `reasoning_details`)
    goes on one final chunk at `[DONE]`, so adding the chunks with `+` gives the message
    `invoke` would have returned, with nothing counted twice.
    """

    def __init__(self, *, output_version: str | None = None, image_output: bool = False) -> None:
        """Start a parser for one stream.

        `image_output`: the request asked for images (`modalities` has `"image"`), so text
        comes as indexed text blocks beside the image blocks, as `invoke` gives them.
        """
        self._image_output = image_output
        self._chunk_meta: dict[str, Any] = {"model_provider": MODEL_PROVIDER}
        # v1 content blocks are read chunk by chunk, so there every chunk says its version.
        self._meta_every_chunk = output_version == "v1"
        if self._meta_every_chunk:
            self._chunk_meta["output_version"] = "v1"
        self._meta_sent = False
        self._data: list[str] = []
        self._reply: dict[str, Any] | None = None
        self._usage: Mapping[str, Any] | None = None
        self._finish_reason: Any = None
        self._native_finish_reason: Any = None
        self._details = ReasoningDetailsAccumulator()
        self._annotations: list[Any] = []
        self._saw_reasoning_text = False
        self._image_count = 0
        self._saw_choice = False
        self._last_event = ""
        # The chunks handed out, kept (by reference) only to rebuild the partial answer
        # when the stream fails; LangChain's `stream()` holds them all anyway.
        self._handed_out: list[ChatGenerationChunk] = []
        self.done = False
        """`[DONE]` arrived: the reply is complete; stop reading (later lines are ignored)."""

    def feed(self, line: str) -> ChatGenerationChunk | None:
        """Consume one line (without its newline); return a chunk when an event completes.

        Raises:
            OpenRouterError: The stream reported an error or sent an event that cannot be
                read; what had arrived is on the error's `partial_message`.

        """
        if self.done:
            return None
        if line.startswith("data:"):
            value = line[6:] if line.startswith("data: ") else line[5:]
            if value == "[DONE]" and not self._data:
                # The end, without waiting for the blank line a proxy may hold back.
                return self._dispatch(value)
            # SSE allows an event to span several `data:` lines; they join at the blank line.
            self._data.append(value)
            return None
        if line == "" and self._data:
            data = "\n".join(self._data)
            self._data.clear()
            return self._dispatch(data)
        # Comments (": OPENROUTER PROCESSING"), `event:`/`id:` fields and stray blanks.
        return None

    def finish(self) -> ChatGenerationChunk | None:
        """Close the stream; raise if it ended before OpenRouter's `[DONE]`.

        Raises:
            OpenRouterConnectionError: The stream ended early; a partial answer is never
                passed off as complete (it is on the error's `partial_message`).

        """
        chunk = None
        if self._data:
            chunk = self.feed("")
        if not self.done:
            msg = (
                "The OpenRouter stream ended before [DONE]; the answer is incomplete. "
                "This is usually a dropped connection: retry the call."
            )
            error = OpenRouterConnectionError(msg)
            self.keep_partial(error)
            raise error
        return chunk

    def keep_partial(self, error: OpenRouterError) -> None:
        """Put what the stream had delivered on `error.partial_message`, if anything.

        Used for the parser's own errors and by the transport's caller for failures the
        parser cannot see (a stall, a dropped connection): the partial message is the sum
        of the chunks handed out plus the usage, cost, finish reason and merged
        `reasoning_details` received so far, so nothing already paid for is lost.
        """
        if error.partial_message is not None:
            return  # already kept where the error was raised
        if self._handed_out or self._usage is not None or self._details:
            messages = [c.message for c in self._handed_out]
            messages.append(self._final_chunk().message)
            merged = add_ai_message_chunks(*messages)  # type: ignore[arg-type]
            error.attach_partial(merged)

    def _dispatch(self, data: str) -> ChatGenerationChunk | None:
        try:
            chunk = self._event(data)
        except OpenRouterError as error:
            self.keep_partial(error)
            raise
        if chunk is not None and not self.done:
            self._handed_out.append(chunk)
        return chunk

    def _event(self, data: str) -> ChatGenerationChunk | None:
        if data == "[DONE]":
            self.done = True
            if not self._saw_choice:
                # `choices: []` all the way to [DONE] is no answer, not an empty one.
                raise malformed_response("OpenRouter's stream had no choices", self._last_event)
            return self._final_chunk()
        self._last_event = data
        try:
            event = json.loads(data)
        except ValueError:
            raise malformed_response(
                "OpenRouter sent a stream event that is not JSON", data
            ) from None
        if not isinstance(event, dict):
            raise malformed_response("OpenRouter sent a stream event that is not an object", data)
        if self._reply is None:
            self._reply = reply_metadata(event)
        usage = event.get("usage")
        if isinstance(usage, Mapping):
            # Before any error check: an error event can carry the usage of what was billed.
            self._usage = usage
        if "error" in event and (error := error_from_payload(event)) is not None:
            raise error
        choices = event.get("choices")
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], Mapping):
            return None
        self._saw_choice = True
        choice = choices[0]
        if choice.get("finish_reason") is not None:
            self._on_finish(event, choice)
        delta = choice.get("delta")
        return self._delta_chunk(delta) if isinstance(delta, Mapping) else None

    def _on_finish(self, event: Mapping[str, Any], choice: Mapping[str, Any]) -> None:
        if (error := error_from_payload(event)) is not None:
            raise error
        # The usage chunk may repeat the finish reason; the first one is the real one.
        if self._finish_reason is None:
            self._finish_reason = choice["finish_reason"]
            self._native_finish_reason = choice.get("native_finish_reason")

    def _delta_chunk(self, delta: Mapping[str, Any]) -> ChatGenerationChunk | None:
        details = delta.get("reasoning_details")
        if details and isinstance(details, list):
            # Entries are merged by (type, index); ones whose key cannot be hashed are junk.
            self._details.add(d for d in details if _has_scalar_key(d))
        annotations = delta.get("annotations")
        if annotations and isinstance(annotations, list):
            self._annotations.extend(annotations)
        content: str | list[str | dict[str, Any]] = delta.get("content") or ""
        if not isinstance(content, str):
            content = ""
        reasoning = delta.get("reasoning")
        raw_calls = delta.get("tool_calls")
        images = delta.get("images")
        if not (content or reasoning or raw_calls or images):
            return None
        additional_kwargs: dict[str, Any] = {}
        if isinstance(reasoning, str) and reasoning:
            additional_kwargs["reasoning_content"] = reasoning
            self._saw_reasoning_text = True
        if self._image_output or (isinstance(images, list) and images):
            # Indexed blocks, so the chunks add up to the content `invoke` gives.
            blocks = image_reply_blocks(content, images, images_before=self._image_count)
            self._image_count += sum(block["type"] != "text" for block in blocks)
            content = list(blocks)
        # langchain-core's `stream` keeps every chunk until the end, so a chunk is given only
        # what it carries: an empty field is left to its default, and the constant metadata
        # goes on the first chunk (and the final one) rather than a copy on every chunk.
        fields: dict[str, Any] = {}
        if additional_kwargs:
            fields["additional_kwargs"] = additional_kwargs
        if raw_calls and (calls := _tool_call_chunks(raw_calls)):
            fields["tool_call_chunks"] = calls
        if self._meta_every_chunk or not self._meta_sent:
            fields["response_metadata"] = dict(self._chunk_meta)
            self._meta_sent = True
        return ChatGenerationChunk(message=AIMessageChunk(content=content, **fields))

    def _final_chunk(self) -> ChatGenerationChunk:
        meta = {**(self._reply or {}), **self._chunk_meta}
        meta["finish_reason"] = self._finish_reason
        meta["native_finish_reason"] = self._native_finish_reason
        if self._annotations:
            meta["annotations"] = self._annotations
        additional_kwargs: dict[str, Any] = {}
        if self._details:
            details = self._details.result()
            additional_kwargs["reasoning_details"] = details
            if not self._saw_reasoning_text and (text := reasoning_text(details)):
                additional_kwargs["reasoning_content"] = text
        if self._usage is not None:
            meta.update(cost_fields(self._usage))
        message = AIMessageChunk(
            content="",
            additional_kwargs=additional_kwargs,
            response_metadata=meta,
            usage_metadata=usage_to_metadata(self._usage) if self._usage is not None else None,
            chunk_position="last",
        )
        return ChatGenerationChunk(message=message)


def _has_scalar_key(detail: Any) -> bool:
    if not isinstance(detail, Mapping):
        return False
    return all(
        value is None or isinstance(value, (str, int, float))
        for value in (detail.get("type"), detail.get("index"))
    )


def _tool_call_chunks(raw: Any) -> list[ToolCallChunk]:
    if not isinstance(raw, list):
        return []
    chunks: list[ToolCallChunk] = []
    for position, item in enumerate(raw):
        if not isinstance(item, Mapping):
            continue
        if problem := tool_call_problem(item, complete=False):
            raise malformed_response(problem, json.dumps(item, default=str))
        function = item.get("function")
        function = function if isinstance(function, Mapping) else {}
        index = item.get("index")
        chunks.append(
            tool_call_chunk(
                name=function.get("name"),
                args=function.get("arguments"),
                id=item.get("id"),
                index=index if isinstance(index, int) else position,
            )
        )
    return chunks
