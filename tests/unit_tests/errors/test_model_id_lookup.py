"""The "not a valid model ID" advice asks a lookup the catalogue hands over, not the catalogue.

Errors sit below the catalogue, so the ids come in as a `ModelIdLookup`: given one, the
advice uses it; the catalogue's own is the default once the catalogue has loaded.
"""

from __future__ import annotations

from langchain_openrouter_gemini.errors.messages import (
    MessageContext,
    ModelIdLookup,
    invalid_model_advice,
)
from langchain_openrouter_gemini.errors.parsing import ErrorDetails

CHAT_URL = "https://openrouter.ai/api/v1/chat/completions"


def _context(url: str = CHAT_URL) -> MessageContext:
    return MessageContext(status=400, details=ErrorDetails(message="x"), url=url)


def test_the_advice_asks_the_lookup_it_is_given() -> None:
    lookup = ModelIdLookup(
        kind=lambda model: "embedding" if model == "acme/embed" else None,
        closest=lambda model, kind: "acme/chat-1" if model == "acme/chat1" else None,
    )
    said = "acme/chat1 is not a valid model ID"
    assert invalid_model_advice(said, _context(), lookup) == (
        "Did you mean 'acme/chat-1'? The catalogue's ids: `openrouter-gemini models`."
    )
    wrong_kind = invalid_model_advice("acme/embed is not a valid model ID", _context(), lookup)
    assert wrong_kind.startswith("acme/embed is an embedding model, not a chat model")


def test_the_catalogue_hands_its_ids_over_when_it_loads() -> None:
    import langchain_openrouter_gemini.catalogue.lookup  # noqa: F401  (loading is the handover)

    said = "google/gemini-2.5-flsh is not a valid model ID"
    assert "Did you mean 'google/gemini-2.5-flash'?" in invalid_model_advice(said, _context())
