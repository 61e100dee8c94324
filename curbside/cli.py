"""The ``curbside`` command: ask, chat, serve, and the batch commands of each stage.

Errors are one clear line on stderr (set CURBSIDE_DEBUG=1 for a traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from curbside.settings import PRESETS, Settings, preset

# No model or data is ever fetched at run time: make the Hugging Face stack fail fast
# instead of trying the network, and keep its progress bars out of answers.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

RENDER_FORMATS = ("text", "markdown", "html", "json")


def _render(answer: object, fmt: str) -> str:
    from answer.render import answer_to_dict, render_html, render_text

    if fmt == "json":
        import json

        return json.dumps(answer_to_dict(answer), indent=2, ensure_ascii=False)
    if fmt == "html":
        return render_html(answer)
    return render_text(answer)


def _cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from answer.service import Curbside

    question = " ".join(args.question).strip()
    if not question:
        raise ValueError("the question is empty")
    answer = Curbside(settings).ask(question)
    print(_render(answer, "json" if args.json else args.format))
    return 0


def _cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from answer.service import Curbside
    from curbside.types import Conversation

    engine = Curbside(settings)
    conversation = Conversation(conversation_id="cli")
    interactive = sys.stdin.isatty()
    if interactive:
        print("Ask a clinical question; each next line is a follow-up. /new starts over, /quit ends.")
    while True:
        try:
            line = input("> " if interactive else "")
        except EOFError:
            break
        line = line.strip()
        if not line:
            continue
        if line in ("/quit", "/exit"):
            break
        if line == "/new":
            conversation = Conversation(conversation_id="cli")
            print("(new conversation)")
            continue
        answer = engine.ask(line, conversation)
        print(_render(answer, args.format))
        print()
    return 0


def _cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import api

    api.serve(settings, host=args.host, port=args.port, workers=args.workers)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="curbside",
        description="Answers clinical questions and follow-ups with passages cited from guidelines "
        "and research.",
    )
    parser.add_argument("--home", type=Path, help="data directory for indexes, caches and conversations "
                        "(default: $CURBSIDE_HOME or ~/.local/share/curbside)")
    parser.add_argument("--preset", choices=PRESETS, default="default", help="named settings preset")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    ask = sub.add_parser("ask", help="answer one question with cited passages")
    ask.add_argument("question", nargs="+", help="the clinical question")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON (same as --format json)")
    ask.add_argument("--format", choices=RENDER_FORMATS, default="text", help="output format")
    ask.set_defaults(handler=_cmd_ask)

    chat = sub.add_parser("chat", help="interactive conversation: each line is a follow-up")
    chat.add_argument("--format", choices=RENDER_FORMATS, default="text", help="output format")
    chat.set_defaults(handler=_cmd_chat)

    serve = sub.add_parser("serve", help="start the HTTP API and web page (loopback by default)")
    serve.add_argument("--host", default=None, help="bind address (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (default 8000)")
    serve.add_argument("--workers", type=int, default=1, help="worker processes")
    serve.set_defaults(handler=_cmd_serve)

    # Each stage registers its own batch commands.
    import eval.cli
    import index.cli
    import ingest.cli

    ingest.cli.register(sub)
    index.cli.register(sub)
    eval.cli.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    settings = preset(args.preset)
    if args.home is not None:
        settings = replace(settings, home=args.home)
    try:
        return int(args.handler(args, settings) or 0)
    except KeyboardInterrupt:
        print("curbside: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # one clear line, not a traceback
        if os.environ.get("CURBSIDE_DEBUG"):
            raise
        print(f"curbside: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
