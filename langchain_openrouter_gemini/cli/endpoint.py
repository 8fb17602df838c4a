"""Where a CLI command sends its requests: live OpenRouter, or an emulator started for it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from langchain_openrouter_gemini.cli.command import UsageError

__all__ = ["OFFLINE_BANNER", "endpoint", "live_target", "offline_refusals"]

OFFLINE_BANNER = "Offline: answered by the bundled OpenRouter emulator (echo mode), not Gemini."


@contextmanager
def endpoint(offline: bool) -> Iterator[dict[str, Any]]:
    """Model settings for live OpenRouter, or for an emulator started for this command.

    Raises:
        UsageError: Live use without `OPENROUTER_API_KEY`; the message names `--offline`.

    """
    if not offline:
        if not os.environ.get("OPENROUTER_API_KEY", "").strip():
            msg = (
                "OPENROUTER_API_KEY is not set. Export your key (sk-or-..., from "
                "https://openrouter.ai/keys), or add --offline to use the bundled emulator."
            )
            raise UsageError(msg)
        yield {}
        return
    from langchain_openrouter_gemini.testing import OpenRouterEmulator

    with OpenRouterEmulator() as emulator:
        yield {"base_url": emulator.base_url, "api_key": "sk-or-emulator"}


@contextmanager
def offline_refusals(offline: bool, spec: str) -> Iterator[None]:
    """Turn the emulator's refusal of a model id into advice about `--model` and `--offline`.

    The library's advice names `OpenRouterEmulator(models=...)`, which a shell user cannot
    pass to the emulator `--offline` starts.
    """
    from langchain_openrouter_gemini.errors import OpenRouterBadRequestError

    try:
        yield
    except OpenRouterBadRequestError as exc:
        said = str(exc)
        if not offline or "not a valid model ID" not in said:
            raise
        if "Did you mean" in said or " model, not " in said:
            raise UsageError(f"--model {spec}: {said}") from None
        raise UsageError(
            f"--model {spec}: the emulator said {exc.message!r}. --offline answers only for "
            "the catalogue's Gemini models "
            "(`openrouter-gemini models` lists them), as OpenRouter refuses ids it does not "
            "know. Run live (export OPENROUTER_API_KEY=sk-or-...) for other models."
        ) from None


def live_target(key: str) -> str:
    """A sentence saying what live requests will reach: OpenRouter, an emulator, or a URL.

    For a base URL other than OpenRouter's (`OPENROUTER_BASE_URL`), one `GET /key` asks the
    server itself: the bundled emulator names itself in its `Server` header, whatever
    address it was started at.
    """
    from langchain_openrouter_gemini.errors.parsing import served_by_emulator
    from langchain_openrouter_gemini.transport.connection import (
        BASE_URL_ENVS,
        DEFAULT_BASE_URL,
        normalize_base_url,
    )

    variable, base = next(
        ((name, os.environ[name]) for name in BASE_URL_ENVS if os.environ.get(name, "").strip()),
        ("", DEFAULT_BASE_URL),
    )
    base = normalize_base_url(base)
    if base == DEFAULT_BASE_URL:
        return "Running live against OpenRouter (OPENROUTER_API_KEY is set)."
    import httpx2

    try:
        reply = httpx2.get(f"{base}/key", headers={"Authorization": f"Bearer {key}"}, timeout=5.0)
    except httpx2.HTTPError:
        return f"Running against {base} ({variable}), which does not answer."
    if reply.status_code == 404:
        return (
            f"Running against {base} ({variable}), which has no OpenRouter API there "
            "(404 for /key): the base URL should end in /api/v1."
        )
    if served_by_emulator(reply.headers):
        return (
            f"Running against an OpenRouter emulator at {base} ({variable}), not OpenRouter: "
            "its answers are echoes of the questions, not Gemini's."
        )
    return f"Running live against {base} ({variable}), not openrouter.ai."
