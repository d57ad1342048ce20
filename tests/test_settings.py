from pathlib import Path

from nomengraph.settings import Settings


def test_defaults_then_environment_then_flags():
    assert Settings.load(environ={}).cards == Path("cards")
    env = {"NOMENGRAPH_CARDS": "/data/cards", "NOMENGRAPH_SOURCES": "in"}
    s = Settings.load(environ=env)
    assert (s.cards, s.sources) == (Path("/data/cards"), Path("in"))
    s = Settings.load(environ=env, cards=Path("flag"), sources=None)
    assert (s.cards, s.sources) == (Path("flag"), Path("in"))
