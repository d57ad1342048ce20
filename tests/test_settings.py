from pathlib import Path

import pytest

from nomengraph import resources
from nomengraph.settings import Settings, SettingsError


def test_defaults_then_environment_then_flags():
    defaults = Settings.load(environ={})
    assert (defaults.cards, defaults.mappings) == (resources.CARDS, resources.MAPPINGS)
    assert (defaults.store, defaults.exports) == (Path("store"), Path("dist"))
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


@pytest.mark.parametrize(
    ("variable", "value", "reason"),
    [
        ("NOMENGRAPH_PORT", "abc", "not a whole number"),
        ("NOMENGRAPH_PORT", "70000", "must be 1 to 65535"),
        ("NOMENGRAPH_WORKERS", "0", "must be 1 or more"),
        ("NOMENGRAPH_QUERY_TIMEOUT", "-1", "must be more than 0"),
        ("NOMENGRAPH_QUERY_TIMEOUT", "nan", "not a finite number"),
        ("NOMENGRAPH_MAX_ROWS", "1e3", "not a whole number"),
        ("NOMENGRAPH_IN_MEMORY", "maybe", "not a boolean"),
        ("NOMENGRAPH_STORE_AUTH", "ntlm", "must be one of basic, digest"),
        ("NOMENGRAPH_CARDS", " ", "empty"),
    ],
)
def test_a_bad_environment_value_is_named_with_its_value(variable, value, reason):
    with pytest.raises(SettingsError) as caught:
        Settings.load(environ={variable: value})
    message = str(caught.value)
    assert message.startswith(f"{variable}={value!r}: ")
    assert reason in message
    assert caught.value.setting == variable.removeprefix("NOMENGRAPH_").lower()


def test_a_bad_flag_value_is_named_by_its_setting():
    with pytest.raises(SettingsError) as caught:
        Settings.load(environ={}, port=0)
    assert (caught.value.setting, caught.value.source, caught.value.value) == ("port", "port", 0)
    assert Settings.load(environ={"NOMENGRAPH_PORT": " 8080 "}).port == 8080
