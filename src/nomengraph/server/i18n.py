"""The language of the page frames: English or French.

A page's frame (headings, buttons, explanations) is written in English in the templates and
code, each text passed through ``_`` (``{{ _("Search") }}``, ``_("%(n)s jobs", n=3)``); the
French texts are in the package's catalogs, ``data/i18n/fr-*.json`` (one file per group of
pages, ``{"English text": "texte français"}``, merged in file-name order). Content (labels,
descriptions) stays in its own language: this module chooses only the frame's.

The language of a request is, in order: the ``lang`` query parameter (``?lang=fr``, which the
switch in every page's header uses, and which is then remembered in a cookie), the ``lang``
cookie, the best of ``Accept-Language``, then English.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from typing import Any

import flask
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from nomengraph import resources

LOCALES = ("en", "fr")
DEFAULT_LOCALE = "en"
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


class CatalogError(ValueError):
    """A catalog of the package is not a JSON object of strings."""


@cache
def catalog(locale: str) -> Mapping[str, str]:
    """The translations of the frame's English texts into ``locale`` (empty for English)."""
    if locale == DEFAULT_LOCALE:
        return {}
    merged: dict[str, str] = {}
    for path in sorted(resources.require(resources.I18N).glob(f"{locale}-*.json")):
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CatalogError(f"{path.name}: not a readable JSON catalog ({exc})") from exc
        if not isinstance(entries, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in entries.items()
        ):
            raise CatalogError(f"{path.name}: a catalog is an object of English text -> text")
        merged.update(entries)
    return merged


def translate(text: str, locale: str, **values: Any) -> str:
    """``text`` in ``locale`` (itself when there is no translation), with ``%(name)s``
    placeholders filled from ``values``."""
    translated = catalog(locale).get(text, text)
    return translated % values if values else translated


def choose_locale(args: Mapping[str, str], cookies: Mapping[str, str], accept: str) -> str:
    """The frame's language for a request (see the module's documentation)."""
    for chosen in (args.get("lang"), cookies.get(COOKIE)):
        if chosen in LOCALES:
            return chosen
    # by preference, a language range matching by its primary tag ("en-GB" is English); a
    # range refused with q=0 is left out by the parser
    for value, _quality in parse_accept_header(accept, LanguageAccept):
        primary = value.split("-", 1)[0].strip().lower()
        if primary in LOCALES:
            return primary
        if primary == "*":
            break
    return DEFAULT_LOCALE


def current_locale() -> str:
    """The frame's language of the request being answered (English outside a request)."""
    if not flask.has_request_context():
        return DEFAULT_LOCALE
    locale = getattr(flask.g, "locale", None)
    if locale is None:
        request = flask.request
        locale = choose_locale(
            request.args, request.cookies, request.headers.get("Accept-Language", "")
        )
        flask.g.locale = locale
    return locale


def _(text: str, **values: Any) -> str:
    """``text`` in the language of the request being answered."""
    return translate(text, current_locale(), **values)


def switch_url(locale: str) -> str:
    """The current page's address in ``locale``."""
    request = flask.request
    args = request.args.to_dict(flat=False)
    args["lang"] = [locale]
    return flask.url_for(request.endpoint or "pages.home", **(request.view_args or {}), **args)


def _remember(response: flask.Response) -> flask.Response:
    """Remember a language chosen with ``?lang=``; say which one the frame is in, and that it
    depends on the cookie and ``Accept-Language``."""
    if not flask.has_request_context():
        return response
    chosen = flask.request.args.get("lang")
    if chosen in LOCALES and flask.request.cookies.get(COOKIE) != chosen:
        response.set_cookie(COOKIE, chosen, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True)
    if response.mimetype == "text/html":
        response.headers["Content-Language"] = current_locale()
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
    return response


def init_app(app: flask.Flask) -> None:
    """Give the templates ``_``, ``locale`` and ``switch_url``, and remember a chosen language."""
    app.jinja_env.globals.update(_=_, switch_url=switch_url, locales=LOCALES)
    app.context_processor(lambda: {"locale": current_locale()})
    app.after_request(_remember)
