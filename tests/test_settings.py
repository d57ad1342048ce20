from pathlib import Path

from nomengraph.settings import Settings


def test_defaults_then_environment_then_flags():
    assert Settings.load(environ={}).cards == Path("cards")
    env = {"NOMENGRAPH_CARDS": "/data/cards", "NOMENGRAPH_SOURCES": "in"}
    s = Settings.load(environ=env)
    assert (s.cards, s.sources) == (Path("/data/cards"), Path("in"))
    s = Settings.load(environ=env, cards=Path("flag"), sources=None)
    assert (s.cards, s.sources) == (Path("flag"), Path("in"))


def test_remote_store_settings_come_from_the_environment():
    env = {
        "NOMENGRAPH_STORE": "http://127.0.0.1:8890/sparql-auth",
        "NOMENGRAPH_STORE_USER": "dba",
        "NOMENGRAPH_STORE_AUTH": "digest",
        "NOMENGRAPH_STORE_TIMEOUT": "12.5",
    }
    s = Settings.load(environ=env)
    assert (s.remote_store, s.store_user, s.store_auth, s.store_timeout) == (
        "http://127.0.0.1:8890/sparql-auth",
        "dba",
        "digest",
        12.5,
    )
    assert Settings.load(environ={}).store_auth == "basic"
    assert Settings.load(environ=env, store_auth="basic").store_auth == "basic"
