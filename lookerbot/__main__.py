"""The ``lookerbot`` command: serve (default), demo, check, manifest."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import Sequence
from pathlib import Path

from lookerbot import __version__
from lookerbot.errors import SettingsError
from lookerbot.logs import configure_logging
from lookerbot.settings import Settings, load_settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lookerbot", description="Looker in Slack. With no command, serves the bot."
    )
    parser.add_argument("--version", action="version", version=f"lookerbot {__version__}")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="run the bot (the default)")
    demo = commands.add_parser(
        "demo", help="run the bot against built-in Looker and Slack emulators"
    )
    demo.add_argument("--script", type=Path, help="run the lines of this file, then exit")
    demo.add_argument(
        "--images", type=Path, default=Path("demo-images"), help="where chart images are saved"
    )
    commands.add_parser("check", help="validate settings and try every connection")
    manifest = commands.add_parser("manifest", help="print the Slack app manifest")
    manifest.add_argument("--url", help="the bot's public base URL, e.g. https://bot.example.com")
    manifest.add_argument("--socket-mode", action="store_true", help="Socket Mode: no request URLs")
    manifest.add_argument(
        "--domain", action="append", default=[], help="a Looker host to unfurl (repeatable)"
    )
    return parser


def _settings_or_exit() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        count = len(exc.problems)
        print(
            f"lookerbot: the configuration has {count} problem{'s' if count != 1 else ''}:",
            file=sys.stderr,
        )
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        print("See .env.example for every setting.", file=sys.stderr)
        raise SystemExit(2) from None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``lookerbot`` command."""
    args = _parser().parse_args(argv)
    command = args.command or "serve"

    if command == "manifest":
        from lookerbot.manifest import domains_of, render_manifest

        domains = list(args.domain)
        if not domains:
            # The manifest does not need a complete configuration, only the Looker URLs.
            with contextlib.suppress(SettingsError):
                domains = domains_of([lk.url for lk in load_settings().lookers])
        if not args.url and not args.socket_mode:
            print(
                "lookerbot manifest: give --url https://your-bot.example.com (or --socket-mode)",
                file=sys.stderr,
            )
            return 2
        sys.stdout.write(
            render_manifest(args.url, socket_mode=args.socket_mode, looker_domains=domains)
        )
        return 0

    if command == "demo":
        from lookerbot.sandbox.demo import run_demo

        configure_logging(level="WARNING", fmt="text")
        script = args.script.read_text().splitlines() if args.script else None
        return asyncio.run(run_demo(script=script, images=args.images))

    settings = _settings_or_exit()
    configure_logging(
        level=settings.log_level, fmt=settings.log_format, secret_values=settings.secrets()
    )
    if command == "check":
        from lookerbot.check import run_checks

        ok = asyncio.run(run_checks(settings, lambda r: print(r.line(), flush=True)))
        return 0 if ok else 1

    from lookerbot.errors import StartupError
    from lookerbot.server import serve

    try:
        asyncio.run(serve(settings))
    except StartupError as exc:
        print(f"lookerbot: {exc.reason}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
