"""`python -m langchain_openrouter_gemini.testing --port N`: serve the emulator until Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from langchain_openrouter_gemini.testing.server import OpenRouterEmulator


def main(argv: Sequence[str] | None = None) -> int:
    """Run the emulator in the foreground.

    Args:
        argv: Command-line arguments (defaults to `sys.argv[1:]`).

    Returns:
        The exit status.

    """
    parser = argparse.ArgumentParser(
        prog="python -m langchain_openrouter_gemini.testing",
        description="Serve the OpenRouter emulator (echo mode) until Ctrl-C.",
    )
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: a free one)")
    parser.add_argument("--host", default="127.0.0.1", help="interface (default: loopback)")
    parser.add_argument(
        "--strict-signatures",
        action="store_true",
        help="require a thought signature this emulator issued on every Gemini tool call "
        "in a history (by default, well-formed signatures from elsewhere pass)",
    )
    parser.add_argument(
        "--model",
        action="append",
        default=[],
        metavar="ID",
        help="also serve this model id (repeatable), e.g. openai/gpt-4o; "
        "ids outside the catalogue are refused otherwise, as OpenRouter refuses unknown ids",
    )
    args = parser.parse_args(argv)
    emulator = OpenRouterEmulator(
        args.host, args.port, strict_signatures=args.strict_signatures, models=args.model
    )
    try:
        emulator.start()
    except OSError as error:
        print(f"Cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 1
    done = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGTERM, stop)
    print(emulator.base_url, flush=True)
    try:
        while not done.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
