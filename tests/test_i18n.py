"""The page frames in English or French: Accept-Language, the switch, the cookie."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import nomengraph.server
from nomengraph import resources
from nomengraph.server import i18n


class Frame(HTMLParser):
    """The document's language, the header's links (text -> href) and the current language."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.links: dict[str, str] = {}
        self.current = ""
        self._href: str | None = None
        self._in_current = False
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang", "")
        elif tag == "a":
            self._href, self._text = a.get("href"), []
        elif tag == "span" and a.get("aria-current") == "true":
            self._in_current = True

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)
        if self._in_current:
            self.current += data.strip()

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links["".join(self._text).strip()] = self._href
            self._href = None
        elif tag == "span":
            self._in_current = False


def frame(response) -> Frame:
    assert response.mimetype == "text/html"
    parser = Frame()
    parser.feed(response.get_data(as_text=True))
    return parser


@pytest.fixture()
def client(reference_app):
    return reference_app.test_client()


def test_english_by_default(client):
    page = frame(client.get("/"))
    assert page.lang == "en" and page.current == "en"
    assert "Query" in page.links and "SPARQL endpoint" in page.links


@pytest.mark.parametrize(
    "accept, expected",
    [
        ("fr-FR,fr;q=0.9,en;q=0.5", "fr"),
        ("fr", "fr"),
        ("de, en;q=0.3", "en"),
        ("de", "en"),
        ("en-GB, fr;q=0.8", "en"),
        ("*", "en"),
        ("", "en"),
        (";;;q=x,", "en"),
    ],
)
def test_accept_language_chooses_the_frame(client, accept, expected):
    r = client.get("/", headers={"Accept-Language": accept})
    assert r.status_code == 200
    assert r.headers["Content-Language"] == expected
    assert frame(r).lang == expected


def test_french_frame(client):
    page = frame(client.get("/", headers={"Accept-Language": "fr"}))
    assert "Requête" in page.links and "Point d'accès SPARQL" in page.links
    assert "Query" not in page.links


def test_the_switch_is_remembered(client):
    english = frame(client.get("/id/cigref-2018/job/2.6", headers={"Accept-Language": "fr"}))
    switch = english.links["en"]
    r = client.get(switch, headers={"Accept-Language": "fr"})
    assert frame(r).lang == "en"
    assert "lang=en" in r.headers["Set-Cookie"] and "HttpOnly" in r.headers["Set-Cookie"]
    # the cookie now wins over Accept-Language, on any page
    r = client.get("/query", headers={"Accept-Language": "fr"})
    assert frame(r).lang == "en" and "Set-Cookie" not in r.headers


def test_a_bogus_lang_parameter_is_ignored(client):
    r = client.get("/?lang=xx%3Cscript%3E", headers={"Accept-Language": "fr"})
    assert r.status_code == 200 and frame(r).lang == "fr"
    assert "Set-Cookie" not in r.headers


def test_every_french_catalog_is_well_formed():
    catalogs = sorted(resources.I18N.glob("fr-*.json"))
    assert catalogs
    for path in catalogs:
        entries = json.loads(path.read_text(encoding="utf-8"))
        assert entries and all(isinstance(v, str) and v.strip() for v in entries.values())
        for english, french in entries.items():
            # placeholders survive translation
            assert sorted(_names(english)) == sorted(_names(french)), (path.name, english)


def _names(text: str) -> list[str]:
    import re

    return re.findall(r"%\((\w+)\)s", text)


def test_translate_fills_placeholders():
    i18n.catalog.cache_clear()
    assert i18n.translate("Search", "fr") == "Rechercher"
    assert i18n.translate("%(n)s jobs unknown to the catalog", "fr", n=3) == (
        "3 jobs unknown to the catalog"
    )


TEMPLATES = Path(nomengraph.server.__file__).parent / "templates"

# Words a template may print as they are, because they are not English: names of the project,
# the nomenclatures and frameworks, an HTTP header and a SPARQL keyword.
NOT_LANGUAGE = ("nomengraph", "CIGREF", "SIC", "e-CF", "Accept", "ASK")
# what a person reads in a start tag: these attributes' values (the others are markup)
_READ_ATTRIBUTES = re.compile(r"\b(?:title|placeholder|aria-label|alt)=\"([^\"]*)\"")
_WORD = re.compile(r"[^\W\d_]{2,}")
_PATH = re.compile(r"(?<!\S)/\S*")  # a path of this server, /sparql or /id/


def _readable_texts(env, source: str) -> list[tuple[int, str]]:
    """(line, text) of what the template itself prints for a reader: the text between tags and
    the read attributes of its tags, from the template's 'data' tokens (Jinja's lexer), without
    HTML comments or the content of script and style elements. An expression (``{{ … }}``) or
    statement (``{% … %}``) inside a tag stands in as a blank."""
    found: list[tuple[int, str]] = []
    state, tag, tag_line = "text", "", 0
    for line, kind, value in env.lex(source):
        if kind != "data":
            if state == "tag":
                tag += " "
            continue
        i = 0
        while i < len(value):
            here = line + value.count("\n", 0, i)
            if state == "comment":
                end = value.find("-->", i)
                if end < 0:
                    break
                state, i = "text", end + 3
            elif state == "raw":  # inside script or style: up to the closing tag
                end = value.find("</", i)
                if end < 0:
                    break
                state, i = "text", end
            elif state == "tag":
                end = value.find(">", i)
                if end < 0:
                    tag += value[i:]
                    break
                tag += value[i:end]
                found += [(tag_line, m.group(1)) for m in _READ_ATTRIBUTES.finditer(tag)]
                state = "raw" if re.match(r"(script|style)\b", tag) else "text"
                i = end + 1
            else:
                start = value.find("<", i)
                found.append((here, value[i:] if start < 0 else value[i:start]))
                if start < 0:
                    break
                if value.startswith("<!--", start):
                    state, i = "comment", start + 4
                else:
                    state, tag, tag_line, i = "tag", "", here, start + 1
    return found


def _words(text: str) -> list[str]:
    text = _PATH.sub(" ", html.unescape(text))
    for name in NOT_LANGUAGE:
        text = re.sub(rf"(?<![\w-]){re.escape(name)}(?![\w-])", " ", text)
    return _WORD.findall(text)


def test_templates_print_no_untranslated_words(reference_app):
    """Every word a page's frame shows comes from ``_()`` or from the data: none is written
    as it is in a template (it would stay English in a French page)."""
    templates = sorted(TEMPLATES.glob("*.html"))
    assert len(templates) > 10
    env = reference_app.jinja_env
    offending = [
        f"{path.name}:{line}: {text.strip()!r}"
        for path in templates
        for line, text in _readable_texts(env, path.read_text(encoding="utf-8"))
        if _words(text)
    ]
    assert not offending, "words outside _() in templates:\n" + "\n".join(offending)


def test_the_template_check_finds_words(reference_app):
    """The check above sees text between tags, read attributes and text split by expressions,
    and leaves markup, comments, scripts, paths and the allowed names alone."""
    env = reference_app.jinja_env
    source = (
        '<p class="x" data-y="{{ a }}">Level {{ n }}</p><!-- a comment -->'
        '<span title="the requirement">{{ _("ok") }}</span><script>let words = 1;</script>'
        '<a href="/sparql">/sparql</a> e-CF 3.0 · nomengraph'
    )
    texts = [t for _line, t in _readable_texts(env, source) if _words(t)]
    assert texts == ["Level ", "the requirement"]
