"""The ``nomengraph`` command: thin subcommands over the pipeline stages.

Exit codes: 0 ok, 1 data does not conform, 2 error (bad input, missing file...).

The parser is in :mod:`~nomengraph.cli.parser`; the subcommands, by what they work on, in
:mod:`~nomengraph.cli.cards` (sources and cards), :mod:`~nomengraph.cli.graph` (making the
graph), :mod:`~nomengraph.cli.store` (loading, querying and serving the store) and
:mod:`~nomengraph.cli.link` (mappings); what they share in :mod:`~nomengraph.cli.common`.
"""

from __future__ import annotations

from collections.abc import Sequence

from nomengraph.cli.common import bad_setting, err, run_lang
from nomengraph.cli.parser import build_parser
from nomengraph.exitcodes import EXIT_ERROR, EXIT_OK
from nomengraph.resources import ResourceError
from nomengraph.settings import SettingsError
from nomengraph.texts import say

__all__ = ["build_parser", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command with these arguments (default: the process's); return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: usage errors exit 2, --help/--version exit 0
        return int(exc.code or 0)
    try:
        return args.func(args)
    except SettingsError as exc:
        lang = "en" if exc.setting == "lang" else run_lang(args)
        err(bad_setting(exc, lang), lang)
        return EXIT_ERROR
    except ResourceError as exc:
        err(str(exc), run_lang(args))
        return EXIT_ERROR
    except KeyboardInterrupt:
        lang = run_lang(args)
        err(say("interrupted", lang), lang)
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_OK
