"""The page frames in English or French: Accept-Language, the switch, the cookie."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest

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
