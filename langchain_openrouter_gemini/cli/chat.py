"""`openrouter-gemini chat`: ask one question and stream the answer."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_openrouter_gemini.cli.building import build_model, check_model_kind
from langchain_openrouter_gemini.cli.command import Subcommands, UsageError, add_command
from langchain_openrouter_gemini.cli.endpoint import OFFLINE_BANNER, endpoint, offline_refusals
from langchain_openrouter_gemini.cli.parsing import one_of
from langchain_openrouter_gemini.wire.reasoning import EFFORTS

if TYPE_CHECKING:
    from langchain_core.messages import BaseMessage

    from langchain_openrouter_gemini.cli.terminal import Terminal

__all__ = ["add_parser", "run"]

EXAMPLES = """\
examples:
  openrouter-gemini chat "Name three moons of Jupiter."
  openrouter-gemini chat "What is in this chart?" --image chart.png
  openrouter-gemini chat "Summarise" --pdf https://example.com/paper.pdf --reasoning low
  openrouter-gemini chat "Extract the invoice" --pdf invoice.pdf --json-schema invoice.json
  openrouter-gemini chat "hi" --model "openrouter:gemini-2.5-pro?temperature=0"
  openrouter-gemini chat "hi" --offline        # against the bundled emulator, no key needed
  openrouter-gemini chat "Name a moon." > answer.txt   # the answer alone; the rest on stderr
"""

# Flag (also the content helper's name) -> (what it is, what the flag takes), in the order
# attachments are sent.
_ATTACHMENTS = {
    "image": ("an image", "an image: a file (PNG, JPEG, WebP, GIF) or an http(s) URL"),
    "pdf": ("a PDF", "a PDF: a file or an http(s) URL"),
    "audio": ("an audio file", "audio: a file (WAV, MP3, FLAC, ...); no URLs, sent inline"),
    "video": ("a video", "a video: a file (MP4, WebM, MOV) or an http(s) URL"),
}
_FLAG_FOR_FAMILY = {"image": "--image", "audio": "--audio", "video": "--video"}


def add_parser(commands: Subcommands) -> None:
    """Add `chat` and its options."""
    chat = add_command(
        commands,
        "chat",
        summary="ask one question and stream the answer",
        description=(
            "Ask Gemini one question and stream the answer, then a summary line. Attached "
            "files are typed from their bytes (the extension is only a fallback)."
        ),
        examples=EXAMPLES,
    )
    chat.add_argument("prompt", help="the question")
    for flag, (_, takes) in _ATTACHMENTS.items():
        chat.add_argument(
            f"--{flag}",
            action="append",
            default=[],
            metavar="PATH" if flag == "audio" else "PATH|URL",
            help=f"attach {takes}; repeatable",
        )
    chat.add_argument(
        "--model",
        default="google/gemini-2.5-flash",
        metavar="SPEC",
        help='a model id or model string: "gemini-2.5-pro", "openrouter:gemini-2.5-flash:nitro"',
    )
    chat.add_argument(
        "--reasoning",
        type=one_of(EFFORTS),
        metavar="EFFORT",
        help=f"reasoning effort: {', '.join(EFFORTS)} (none turns reasoning off)",
    )
    chat.add_argument("--no-reasoning", action="store_true", help="hide the reasoning text")
    chat.add_argument("--system", metavar="TEXT", help="a system prompt")
    chat.add_argument(
        "--json-schema", metavar="FILE", help="answer as JSON matching this JSON Schema file"
    )
    chat.add_argument(
        "--offline", action="store_true", help="answer from the bundled emulator (no key needed)"
    )


def run(args: argparse.Namespace, term: Terminal) -> int:
    """Ask the question; the answer streams (or prints as JSON with `--json-schema`)."""
    from langchain_openrouter_gemini.chat.model import ChatOpenRouterGemini

    messages = _messages(args)
    schema = _load_schema(args.json_schema) if args.json_schema else None
    _refuse_key_in(args.model)
    check_model_kind("chat", args.model)
    with endpoint(args.offline) as settings, offline_refusals(args.offline, args.model):
        effort = args.reasoning
        flags = [(f"--reasoning {effort}", {"reasoning": {"effort": effort}})] if effort else []
        model = build_model(
            lambda **kw: ChatOpenRouterGemini.from_model_string(args.model, **kw),
            settings,
            flags,
            model_flag="--model",
        )
        banner = OFFLINE_BANNER if args.offline else None
        if schema is not None:
            parsed = model.with_structured_output(schema).invoke(messages)
            if banner:
                # JSON goes to stdout alone, so it stays parseable; the banner to stderr.
                term.err.write(banner + "\n")
            term.verbatim(json.dumps(parsed, indent=2, ensure_ascii=False))
            return 0
        from langchain_openrouter_gemini.cli.answer import stream_answer

        stream_answer(
            model,
            messages,
            term,
            show_reasoning=not args.no_reasoning,
            emulated=args.offline,
            notes=term.notes,
            banner=banner,
        )
    return 0


def _refuse_key_in(spec: str) -> None:
    query = spec.partition("?")[2]
    if any(part.partition("=")[0].strip() == "api_key" for part in query.split("&")):
        # Never echoed: the message must not repeat the key to the terminal or a log.
        msg = "--model carries an API key; keys do not belong on a command line. Export it: "
        raise UsageError(msg + "export OPENROUTER_API_KEY=sk-or-...")


def _attachments(args: argparse.Namespace) -> list[dict[str, Any]]:
    from langchain_openrouter_gemini.media import content

    blocks = []
    for flag in _ATTACHMENTS:
        build = getattr(content, flag)
        for source in getattr(args, flag):
            _check_path(flag, source)
            try:
                blocks.append(build(source))
            except content.ContentSourceError as exc:
                raise UsageError(_shell_advice(flag, source, exc)) from None
            except OSError as exc:
                raise UsageError(f"--{flag} {source}: cannot read it ({exc.strerror}).") from None
    return blocks


def _check_path(flag: str, source: str) -> None:
    if source[:8].lower().startswith(("http://", "https://", "data:")):
        return
    path = Path(source)
    if path.is_dir():
        raise UsageError(f"--{flag} {source}: is a directory. Give one file per --{flag}.")
    if not path.is_file():
        fix = "a file" if flag == "audio" else "a file, or an http(s):// URL"
        raise UsageError(f"--{flag} {source}: the file does not exist. Give the path of {fix}.")


def _shell_advice(flag: str, source: str, error: Any) -> str:
    """The helper's complaint, in a shell user's words (flags, not Python functions)."""
    if error.reason == "audio_url":
        return (
            f"--audio {source}: OpenRouter takes audio only inline, not as a URL. Download it "
            "first (curl -L -o clip.mp3 URL) and pass the file: --audio clip.mp3."
        )
    what = _ATTACHMENTS[flag][0]
    if error.reason == "unknown_type":
        return (
            f"--{flag} {source}: cannot tell what type of file this is from its bytes or its "
            f"name. Check that it is {what}, or give it the usual extension for its type."
        )
    detected = error.detected
    family = (detected or "").split("/", 1)[0]
    if detected == "application/pdf":
        better = "attach it with --pdf"
    elif family in _FLAG_FOR_FAMILY:
        better = f"attach it with {_FLAG_FOR_FAMILY[family]}"
    else:
        better = "only images, PDFs, audio and video can be attached"
    found = f"is {detected}" if detected else "has no recognisable type"
    return f"--{flag} {source}: {found}, not {what}; {better}."


def _messages(args: argparse.Namespace) -> list[BaseMessage]:
    from langchain_core.messages import HumanMessage, SystemMessage

    attachments = _attachments(args)
    human = (
        HumanMessage([{"type": "text", "text": args.prompt}, *attachments])
        if attachments
        else HumanMessage(args.prompt)
    )
    return [SystemMessage(args.system), human] if args.system else [human]


def _load_schema(path: str) -> dict[str, Any]:
    try:
        schema = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read --json-schema file {path!r}: {exc.strerror}") from None
    except ValueError as exc:
        raise UsageError(f"--json-schema file {path!r} is not valid JSON: {exc}") from None
    if not isinstance(schema, dict):
        raise UsageError(f"--json-schema file {path!r} must hold a JSON object (a JSON Schema).")
    schema.setdefault("title", Path(path).stem or "answer")
    return schema
