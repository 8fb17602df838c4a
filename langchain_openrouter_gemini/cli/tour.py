"""The demo tour itself: the README's main job, a short tour of the package at work.

Live against OpenRouter when `OPENROUTER_API_KEY` is set; otherwise against the bundled
emulator, with scripted answers, and it says so on its first line. It never fails for
want of a key. (`cli/demo.py` is the command; this module is imported only to run it.)
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.tools import BaseTool, tool
from pydantic import BaseModel, Field

from langchain_openrouter_gemini.cli.answer import stream_answer
from langchain_openrouter_gemini.cli.terminal import Terminal, format_cost

__all__ = ["run_tour"]

MODEL = "google/gemini-2.5-flash"


@tool
def get_weather(city: str) -> dict[str, Any]:
    """Current weather for a city (a canned reading, so the tour is repeatable)."""
    return {"city": city, "celsius": 4, "sky": "light snow"}


@tool
def convert_temperature(celsius: float) -> float:
    """Convert a temperature from Celsius to Fahrenheit."""
    return round(celsius * 9 / 5 + 32, 1)


class CityFacts(BaseModel):
    """Facts about a city."""

    city: str
    country: str
    population_millions: float = Field(description="Population of the city proper, millions")


class _Tour:
    """Runs the steps; in offline mode each step scripts the emulator's answers first."""

    def __init__(self, term: Terminal, settings: dict[str, Any], emulator: Any) -> None:
        from langchain_openrouter_gemini.chat.model import ChatOpenRouterGemini

        self.term = term
        self.emulator = emulator
        self.llm = ChatOpenRouterGemini(model=MODEL, app_title="openrouter-gemini demo", **settings)
        self.settings = settings
        # (step, model, input tokens, output tokens, cost) for the cost table.
        self.rows: list[tuple[str, str | None, int, int, float | None]] = []

    def script(self, *replies: Any) -> None:
        if self.emulator is not None:
            self.emulator.enqueue(*replies)

    def heading(self, text: str) -> None:
        self.term.line()
        self.term.line(text, "bold", "cyan")

    def record(self, step: str, message: AIMessage) -> None:
        usage: dict[str, Any] = dict(message.usage_metadata or {})
        meta = message.response_metadata
        self.rows.append(
            (
                step,
                meta.get("model_name"),
                usage.get("input_tokens", 0),
                usage.get("output_tokens", 0),
                meta.get("cost"),
            )
        )

    def multimodal(self) -> None:
        from langchain_openrouter_gemini.media import content
        from langchain_openrouter_gemini.testing import Reply, samples

        self.heading("1. A question about an image (a colour gradient drawn on the spot)")
        self.script(Reply.text("A smooth gradient from dark blue-grey to pink and green."))
        question = HumanMessage(
            [
                {"type": "text", "text": "Describe this image in one sentence."},
                content.image(samples.png()),
            ]
        )
        answer = self.llm.invoke([question])
        self.term.line(answer.text)
        self.record("image question", answer)

    def reasoning(self) -> None:
        from langchain_openrouter_gemini.testing import Reply

        self.heading("2. A streamed answer with Gemini's reasoning (dimmed)")
        self.script(
            Reply.reasoning(
                "Each 1 m tile needs 4 per row over 4 rows; 4 x 4 = 16. ",
                "16 tiles cover a 4 m x 4 m floor.",
            )
        )
        thinker = self.llm.model_copy(update={"reasoning": {"effort": "low"}})
        question: list[BaseMessage] = [
            HumanMessage("How many 1 m square tiles cover a 4 m x 4 m floor?")
        ]
        message = stream_answer(
            thinker, question, self.term, show_reasoning=True, emulated=self.emulator is not None
        )
        if message is not None:
            self.record("reasoning, streamed", message)

    def agent_loop(self) -> None:
        from langchain_openrouter_gemini.testing import Reply

        self.heading("3. A two-tool agent loop; thought signatures go back on every turn")
        self.script(
            Reply.tool_call("get_weather", {"city": "Oslo"}),
            Reply.tool_call("convert_temperature", {"celsius": 4}),
            Reply.text("It is 4 °C (39.2 °F) with light snow in Oslo."),
        )
        tools: dict[str, BaseTool] = {t.name: t for t in (get_weather, convert_temperature)}
        agent = self.llm.bind_tools(list(tools.values()))
        history: list[BaseMessage] = [
            HumanMessage("What's the weather in Oslo, in Fahrenheit? Use the tools.")
        ]
        for turn in range(1, 6):
            reply = agent.invoke(history)
            assert isinstance(reply, AIMessage)
            history.append(reply)
            self.record(f"agent turn {turn}", reply)
            if not reply.tool_calls:
                self.term.line(reply.text)
                return
            signed = bool(reply.additional_kwargs.get("reasoning_details"))
            for call in reply.tool_calls:
                result = tools[call["name"]].invoke(call["args"])
                self.term.line(
                    f"  -> {call['name']}({json.dumps(call['args'])}) = {json.dumps(result)}"
                    f"   [thought signature {'carried' if signed else 'absent'}]",
                    "dim",
                )
                history.append(ToolMessage(json.dumps(result), tool_call_id=call["id"]))

    def structured(self) -> None:
        from langchain_openrouter_gemini.testing import Reply

        self.heading("4. Structured output into a Pydantic model")
        facts = {"city": "Oslo", "country": "Norway", "population_millions": 0.72}
        self.script(Reply.text(json.dumps(facts)))
        extractor = self.llm.with_structured_output(CityFacts, include_raw=True)
        result = extractor.invoke("Give basic facts about Oslo.")
        self.term.line(repr(result["parsed"]))
        self.record("structured output", result["raw"])

    def retrieval(self) -> None:
        from langchain_openrouter_gemini.embeddings import OpenRouterGeminiEmbeddings
        from langchain_openrouter_gemini.testing import Reply
        from langchain_openrouter_gemini.usage.callbacks import get_openrouter_callback

        self.heading("5. Retrieval: embed notes, find the closest, answer with sources")
        self.script(Reply.text("Bergen gets about 2,250 mm of rain a year [1]."))
        notes = [
            ("bergen.md", "Bergen is Norway's rainiest city, with about 2,250 mm of rain a year."),
            ("oslo.md", "Oslo is the capital of Norway and sits at the head of a fjord."),
            ("lima.md", "Lima, the capital of Peru, gets almost no rain at all."),
        ]
        embeddings = OpenRouterGeminiEmbeddings(
            dimensions=768, app_title="openrouter-gemini demo", **self.settings
        )
        question = "How much rain does Bergen get in a year?"
        # Vector stores never hand back the embeddings' usage; the callback counts it.
        with get_openrouter_callback() as spent:
            vectors = embeddings.embed_documents([text for _, text in notes])
            query = embeddings.embed_query(question)
        # Ranked here rather than in LangChain's InMemoryVectorStore, which needs numpy: the
        # demo runs on the runtime dependencies alone.
        scores = [_cosine(query, vector) for vector in vectors]
        found = sorted(range(len(notes)), key=lambda i: scores[i], reverse=True)[:2]
        sources = "\n".join(f"[{n}] {notes[i][1]}" for n, i in enumerate(found, 1))
        self.term.line(
            f"  {len(notes)} notes embedded; closest to the question: "
            + ", ".join(notes[i][0] for i in found),
            "dim",
        )
        reply = self.llm.invoke(
            [HumanMessage(f"Answer from these sources, citing them:\n{sources}\n\n{question}")]
        )
        self.term.line(reply.text)
        cost = None if spent.unpriced_requests else spent.total_cost
        self.rows.append(("embeddings", embeddings.model, spent.prompt_tokens, 0, cost))
        self.record("answer with sources", reply)

    def cost_table(self) -> None:
        self.heading("6. What it cost")
        total = 0.0
        self.term.line(f"{'step':<22} {'model':<28} {'in':>6} {'out':>6}  cost")
        for step, model, input_tokens, output_tokens, cost in self.rows:
            total += cost or 0.0
            self.term.line(
                f"{step:<22} {model!s:<28} {input_tokens:>6} {output_tokens:>6}  "
                f"{format_cost(cost)}"
            )
        self.term.line(f"{'total':<22} {'':<28} {'':>6} {'':>6}  {format_cost(total)}", "bold")


def _cosine(a: list[float], b: list[float]) -> float:
    norms = math.sqrt(math.fsum(x * x for x in a)) * math.sqrt(math.fsum(y * y for y in b))
    return math.fsum(x * y for x, y in zip(a, b, strict=True)) / norms if norms else 0.0


@contextmanager
def _endpoint(term: Terminal, offline: bool) -> Iterator[tuple[dict[str, Any], Any]]:
    key = os.environ.get("OPENROUTER_API_KEY", "").strip()
    if not offline and key:
        from langchain_openrouter_gemini.cli.endpoint import live_target

        term.line(live_target(key), "bold")
        yield {}, None
        return
    from langchain_openrouter_gemini.testing import OpenRouterEmulator

    with OpenRouterEmulator() as emulator:
        term.line(
            "Running offline against the bundled OpenRouter emulator (scripted answers); "
            "set OPENROUTER_API_KEY to run live.",
            "bold",
        )
        yield {"base_url": emulator.base_url, "api_key": "sk-or-emulator"}, emulator


def run_tour(term: Terminal, *, offline: bool = False) -> int:
    """Run the tour; returns the exit code."""
    from langchain_openrouter_gemini.errors import OpenRouterError

    with _endpoint(term, offline) as (settings, emulator):
        tour = _Tour(term, settings, emulator)
        try:
            tour.multimodal()
            tour.reasoning()
            tour.agent_loop()
            tour.structured()
            tour.retrieval()
            tour.cost_table()
        except OpenRouterError as exc:
            if emulator is not None:
                raise
            term.line()
            term.error(
                f"{exc}\nThe live tour stopped. `openrouter-gemini demo --offline` takes the "
                "same tour against the bundled emulator, with no key or network."
            )
            return 1
    return 0
