"""What every subcommand shares: the help texts of common options, the settings from the
parsed arguments, and error and progress lines on standard error (in the run's language)."""

from __future__ import annotations

import argparse
import sys

from nomengraph.settings import Settings, SettingsError
from nomengraph.texts import LANGUAGES, say

STORE_HELP = "store folder (default: store) or remote SPARQL endpoint URL (docs/remote-store.md)"
PACKAGED_CARDS = "default: the reference nomenclatures shipped in the package"
CARDS_HELP = f"cards folder ({PACKAGED_CARDS})"
LANG_HELP = "language of the output: en (default) or fr; NOMENGRAPH_LANG sets it too"
# Settings whose flag is not --<name with hyphens>, for messages about a bad value.
FLAGS = {"exports": "--out", "query_timeout": "--timeout", "in_memory": "--on-disk"}


def err(message: str, lang: str = "en") -> None:
    """Print an error line on standard error, in ``lang``."""
    print(say("error", lang, message=message), file=sys.stderr)


def progress(message: str) -> None:
    """Print a progress line on standard error, at once."""
    print(message, file=sys.stderr, flush=True)


def bad_setting(exc: SettingsError, lang: str = "en") -> str:
    """One line naming the setting (environment variable or flag) and its bad value."""
    if exc.source.startswith("NOMENGRAPH_"):
        return say("setting.variable", lang, name=exc.source, value=exc.value, reason=exc.reason)
    flag = FLAGS.get(exc.setting, "--" + exc.setting.replace("_", "-"))
    return say("setting.flag", lang, flag=flag, value=exc.value, reason=exc.reason)


def run_lang(args: argparse.Namespace | None) -> str:
    """The language of a run's errors: for a command that speaks French (it has --lang),
    --lang, else NOMENGRAPH_LANG when it is one of the languages; else English."""
    import os

    if not hasattr(args, "lang"):
        return "en"
    lang = args.lang or os.environ.get("NOMENGRAPH_LANG", "en")
    return lang if lang in LANGUAGES else "en"


def load_settings(args: argparse.Namespace) -> Settings:
    """The settings, from the options the subcommand has (flags over environment over defaults)."""
    return Settings.load(
        sources=getattr(args, "sources", None),
        cards=getattr(args, "cards", None),
        corrections=getattr(args, "corrections", None),
        store=getattr(args, "store", None),
        exports=getattr(args, "out", None),
        mappings=getattr(args, "mappings", None),
        esco=getattr(args, "esco", None),
        rome=getattr(args, "rome", None),
        lang=getattr(args, "lang", None),
    )
