"""LangChain's standard integration suite, replayed from cassettes."""

from __future__ import annotations

import base64
from typing import Any, Literal

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_tests.integration_tests import ChatModelIntegrationTests

from langchain_openrouter_gemini import ChatOpenRouterGemini
from tests import recording
from tests.capabilities import GeminiCapabilities
from tests.integration_tests.samples import wav

# Over Gemini 2.5 Flash's 1,024-token minimum for a cache breakpoint.
LONG_SYSTEM_PROMPT = "You are a meticulous librarian. " + " ".join(
    f"Rule {i}: answer briefly and cite the shelf number {i}." for i in range(300)
)


@pytest.mark.vcr
class TestGeminiStandard(GeminiCapabilities, ChatModelIntegrationTests):
    @property
    def chat_model_class(self) -> type[ChatOpenRouterGemini]:
        return ChatOpenRouterGemini

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {
            "model": "google/gemini-2.5-flash",
            **recording.connection_settings(),
            "temperature": 0,
        }

    @property
    def enable_vcr_tests(self) -> bool:
        return True

    @property
    def structured_output_kwargs(self) -> dict[str, Any]:
        return {"method": "json_schema"}

    @property
    def supports_anthropic_inputs(self) -> bool:
        return True

    @property
    def model_override_value(self) -> str:
        return "google/gemini-2.5-flash-lite"

    @property
    def returns_usage_metadata(self) -> bool:
        return True

    @property
    def supported_usage_metadata_details(
        self,
    ) -> dict[
        Literal["invoke", "stream"],
        list[
            Literal[
                "audio_input",
                "audio_output",
                "reasoning_output",
                "cache_read_input",
                "cache_creation_input",
            ]
        ],
    ]:
        details: list[Any] = [
            "audio_input",
            "reasoning_output",
            "cache_read_input",
            "cache_creation_input",
        ]
        return {"invoke": details, "stream": details}

    def _run(self, messages: list[BaseMessage], *, stream: bool, **params: Any) -> AIMessage:
        model = self.chat_model_class(**{**self.chat_model_params, **params})
        if not stream:
            return model.invoke(messages)
        full: Any = None
        for chunk in model.stream(messages):
            full = chunk if full is None else full + chunk
        return AIMessage(**full.model_dump(exclude={"type", "tool_call_chunks", "chunk_position"}))

    def invoke_with_audio_input(self, *, stream: bool = False) -> AIMessage:
        audio = base64.b64encode(wav()).decode()
        message = HumanMessage(
            content=[
                {"type": "text", "text": "What do you hear?"},
                {"type": "audio", "base64": audio, "mime_type": "audio/wav"},
            ]
        )
        return self._run([message], stream=stream)

    def invoke_with_reasoning_output(self, *, stream: bool = False) -> AIMessage:
        question = HumanMessage(
            "A bat and a ball cost 1.10 in total. The bat costs 1.00 more than the ball. What does the ball cost?"
        )
        return self._run([question], stream=stream, reasoning_effort="low")

    def invoke_with_cache_creation_input(self, *, stream: bool = False) -> AIMessage:
        messages = [SystemMessage(LONG_SYSTEM_PROMPT), HumanMessage("Where are atlases kept?")]
        return self._run(messages, stream=stream, cache_prompt=True)

    def invoke_with_cache_read_input(self, *, stream: bool = False) -> AIMessage:
        messages = [SystemMessage(LONG_SYSTEM_PROMPT), HumanMessage("Where are atlases kept?")]
        self._run(messages, stream=False, cache_prompt=True)  # writes the cache
        return self._run(messages, stream=stream, cache_prompt=True)


@pytest.mark.vcr
class TestGeminiStandardV1(TestGeminiStandard):
    """The same suite with LangChain's v1 content-block output."""

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {**super().chat_model_params, "output_version": "v1"}
