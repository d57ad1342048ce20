"""The nomengraph command, run as a real process: exit codes, messages, outputs."""

from __future__ import annotations

import csv
import io
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from nomengraph import resources
from nomengraph.cli import main

ROOT = Path(__file__).parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "cards"


def run(*args: str, stdin: bytes | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "nomengraph.cli", *args],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        timeout=300,
    )


def test_repair_reads_stdin_and_writes_stdout():
    raw = "ŘŜ ƳŞǘƛŜǊǎ ŜȄƛǎǘŀƴǘǎ Řŀƴǎ ƭŜǎ 5ƛǊŜŎǘƛƻƴǎ\nclean line, untouched: 5.1. œuvre\n"
    out = run("repair", stdin=raw.encode())
    assert out.returncode == 0, out.stderr
    assert out.stdout.decode() == (
        "de métiers existants dans les Directions\nclean line, untouched: 5.1. œuvre\n"
    )


def test_repair_of_a_file_to_a_file(tmp_path):
    target = tmp_path / "repaired.txt"
    src = ROOT / "sources" / "cigref-2018-nomenclature.txt"
    out = run("repair", str(src), "-o", str(target), "--stats")
    assert out.returncode == 0, out.stderr
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(src.read_text(encoding="utf-8").splitlines())
    assert lines[110].strip().startswith("1. ORGANISATION ET GESTION DES EVOLUTIONS")
    assert b"garbled" in out.stderr


def test_repair_of_clean_text_is_identity():
    src = ROOT / "sources" / "cigref-2010-nomenclature.txt"
    out = run("repair", str(src))
    assert out.returncode == 0
    assert out.stdout == src.read_bytes()


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("repair", "/nonexistent/file.txt"), None, b"/nonexistent/file.txt"),
        (("repair",), b"ok\n\xff\xfe broken\n", b"<stdin>:2: not valid UTF-8"),
        (("matrix", "--edition", "nope"), None, b"no cards for edition 'nope'"),
        (("check", "/nonexistent"), None, b"no such file or folder"),
        (("frobnicate",), None, b"invalid choice"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(args, stdin, message):
    out = run(*args, stdin=stdin)
    assert out.returncode == 2
    assert message in out.stderr
    assert b"Traceback" not in out.stderr


def test_check_reports_each_problem_with_file_line_and_field(tmp_path):
    for name in ("duplicate-competence.yaml", "missing-title.yaml"):
        shutil.copy(FIXTURES / "invalid" / name, tmp_path / name)
    out = run("check", str(tmp_path))
    assert out.returncode == 1
    text = out.stdout.decode()
    assert f"{tmp_path / 'duplicate-competence.yaml'}:13: [competences[1].code]" in text
    assert f"{tmp_path / 'missing-title.yaml'}:1: [title]" in text


def test_check_accepts_valid_cards_and_the_committed_dataset():
    assert run("check", str(FIXTURES / "valid")).returncode == 0
    out = run("check", str(resources.CARDS / "cigref-2018"))
    assert out.returncode == 0, out.stdout
    assert b"50 card(s) conform" in out.stdout


def test_matrix_exports_one_row_per_requirement_in_three_formats():
    rows = list(csv.reader(io.StringIO(run("matrix", "--edition", "cigref-2010").stdout.decode())))
    assert rows[0] == ["edition", "job_number", "job_title", "competence", "level_min", "level_max"]
    assert len(rows) - 1 == 311
    assert all(r[0] == "cigref-2010" and 1 <= int(r[4]) <= int(r[5]) <= 5 for r in rows[1:])
    first = rows[1]
    assert first[:2] == ["cigref-2010", "1.1"] and first[3].startswith("A.")
    tsv = run("matrix", "--edition", "cigref-2018", "--format", "tsv").stdout.decode()
    assert len(tsv.splitlines()) == 400 and "\t" in tsv
    md = run("matrix", "--edition", "cigref-2018", "--format", "md").stdout.decode()
    assert md.startswith("| edition | job_number |") and len(md.splitlines()) == 401


def test_extract_prints_a_summary_and_writes_atomically(tmp_path):
    out = run(
        "extract",
        "--sources",
        str(ROOT / "sources"),
        "--cards",
        str(tmp_path / "cards"),
        "--corrections",
        str(ROOT / "sources" / "corrections.yaml"),
    )
    assert out.returncode == 0, out.stderr
    text = out.stdout.decode()
    assert "cigref-2010" in text and "311" in text and "399" in text
    assert (tmp_path / "cards" / "sic" / "44.yaml").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cards"]


def test_extract_error_exits_2_and_keeps_previous_cards(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    for name in ("cigref-2010-nomenclature.txt", "sic-referentiel-metiers.txt"):
        shutil.copy(ROOT / "sources" / name, sources / name)
    (tmp_path / "cards").mkdir()
    (tmp_path / "cards" / "keep.yaml").write_text("x: 1\n")
    out = run("extract", "--sources", str(sources), "--cards", str(tmp_path / "cards"))
    assert out.returncode == 2
    assert b"cigref-2018-nomenclature.txt" in out.stderr
    assert b"left unchanged" in out.stderr
    assert (tmp_path / "cards" / "keep.yaml").read_text() == "x: 1\n"


def test_an_installed_package_extracts_into_the_current_folder(tmp_path):
    """Installed (not editable), the package is a copy outside any checkout: extract without
    --cards writes ./cards and says so, and leaves the package's reference cards alone."""
    site = tmp_path / "site-packages"
    shutil.copytree(
        ROOT / "src" / "nomengraph",
        site / "nomengraph",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    package_cards = site / "nomengraph" / "data" / "cards"
    before = {p: p.read_bytes() for p in package_cards.rglob("*") if p.is_file()}
    work = tmp_path / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NOMENGRAPH_")}
    env["PYTHONPATH"] = str(site)
    command = [
        sys.executable,
        "-m",
        "nomengraph.cli",
        "extract",
        "--sources",
        str(ROOT / "sources"),
    ]
    command += ["--corrections", str(ROOT / "sources" / "corrections.yaml")]
    out = subprocess.run(command, capture_output=True, cwd=work, env=env, timeout=300, text=True)
    assert out.returncode == 0, out.stderr
    where = next(line for line in out.stdout.splitlines() if line.startswith("cards written to"))
    assert where == f"cards written to {(work / 'cards').resolve()}/"
    assert "--cards cards" in out.stdout
    assert sorted(p.name for p in work.iterdir()) == ["cards"]
    assert (work / "cards" / "sic" / "44.yaml").is_file()
    after = {p: p.read_bytes() for p in package_cards.rglob("*") if p.is_file()}
    assert after == before
    probe = [sys.executable, "-c", "import nomengraph; print(nomengraph.__file__)"]
    ran = subprocess.run(probe, capture_output=True, cwd=work, env=env, timeout=60, text=True)
    assert Path(ran.stdout.strip()).is_relative_to(site)  # the copy ran, not the checkout


def test_a_checkout_extracts_into_its_reference_cards(monkeypatch):
    from nomengraph.extract import output_folder

    monkeypatch.chdir(ROOT.parent)
    assert output_folder(resources.CARDS) == resources.CARDS  # this checkout: its own cards
    assert output_folder(Path("elsewhere")) == Path("elsewhere")


# Commands that fail well: a bad setting, a busy port, a value naming nothing, the store message


def test_a_bad_setting_is_one_line_naming_it_and_exit_2(tmp_path):
    env = {**os.environ, "NOMENGRAPH_PORT": "abc"}
    out = subprocess.run(
        [sys.executable, "-m", "nomengraph.cli", "serve", "--store", str(tmp_path)],
        capture_output=True,
        env=env,
        timeout=60,
    )
    assert out.returncode == 2
    assert out.stderr.decode().splitlines() == [
        "nomengraph: error: bad setting NOMENGRAPH_PORT='abc': not a whole number"
    ]
    out = run("serve", "--store", str(tmp_path), "--port", "0")
    assert out.returncode == 2
    assert out.stderr.decode().splitlines() == [
        "nomengraph: error: bad value for --port: 0: must be 1 to 65535"
    ]


def test_serve_on_a_busy_port_exits_2_before_announcing_anything(small_store):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        out = run("serve", "--store", str(small_store), "--port", str(port), "--workers", "1")
    assert out.returncode == 2
    err = out.stderr.decode()
    assert err.splitlines() == [
        f"nomengraph: error: port {port} of 127.0.0.1 is already in use (another server?); "
        "choose another one with --port or NOMENGRAPH_PORT"
    ]
    assert "serving" not in err


@pytest.mark.parametrize(
    ("query", "param", "closest"),
    [
        ("job-profile", "job=cigref-2018/99.9", "cigref-2018/8.3 ("),
        ("job-profile", "job=sic/2.6", "cigref-2018/2.6 ("),
        ("jobs-needing-competence", "competence=E.88", "E.8 (Information Security Management)"),
        ("competence-usage", "edition=cigref-2019", "cigref-2018"),
    ],
)
def test_a_query_value_naming_nothing_exits_2_with_the_closest(small_store, query, param, closest):
    out = run("query", query, "--param", param, "--store", str(small_store))
    assert out.returncode == 2, out.stdout
    err = out.stderr.decode()
    name, _, value = param.partition("=")
    assert err.startswith(f"nomengraph: error: parameter {name!r}: no ")
    assert f" {value} in the store; the closest: " in err
    assert closest in err
    assert len(err.splitlines()) == 1 and out.stdout == b""


def test_a_query_value_the_store_holds_runs(small_store):
    out = run("query", "job-profile", "--param", "job=cigref-2018/2.6", "--store", str(small_store))
    assert out.returncode == 0, out.stderr
    assert b"Product Owner" in out.stdout


def test_build_speaks_of_a_previous_store_only_when_there_was_one(small_store, tmp_path):
    bad = tmp_path / "cards"
    (bad / "acme").mkdir(parents=True)
    shutil.copy(FIXTURES / "invalid" / "missing-title.yaml", bad / "acme" / "1.1.yaml")
    fresh = tmp_path / "fresh"
    out = run("build", "--cards", str(bad), "--store", str(fresh), "--out", str(tmp_path / "d"))
    assert out.returncode == 1  # a card that does not follow the card format: does not conform
    assert b"acme/1.1.yaml" in out.stdout and b"'title' is required" in out.stdout
    assert b"previous store" not in out.stderr
    assert f"1 card format error(s); no store was written at {fresh}.".encode() in out.stderr
    assert not fresh.exists()
    kept = tmp_path / "kept"
    shutil.copytree(small_store, kept)
    out = run("build", "--cards", str(bad), "--store", str(kept), "--out", str(tmp_path / "d"))
    assert out.returncode == 1
    assert f"the previous store at {kept} was left as it was.".encode() in out.stderr


# One language per run: check, as a real process, in English and in French.

CHECKED = [
    FIXTURES / "invalid",
    FIXTURES / "valid",
    *sorted(p for p in (FIXTURES.parent / "editions").iterdir() if p.is_dir()),
]


@pytest.mark.parametrize("path", CHECKED, ids=lambda p: p.name)
def test_check_speaks_one_language_per_run(path: Path) -> None:
    """``check`` on the card-format fixtures (every invalid card at once, the valid one) and on
    every edition fixture, twice in each language: the same exit code in both, the same output
    on every run, no fixed word of the other language; ``NOMENGRAPH_LANG`` says what --lang
    says."""
    from test_editions import foreign

    codes = set()
    for lang in ("en", "fr"):
        first, again = (
            run("check", str(path), "--lang", lang),
            run("check", str(path), "--lang", lang),
        )
        assert (first.returncode, first.stdout, first.stderr) == (
            again.returncode,
            again.stdout,
            again.stderr,
        )
        text = (first.stdout + first.stderr).decode()
        assert text and not foreign(text, lang), (lang, foreign(text, lang), text)
        assert b"Traceback" not in first.stderr
        codes.add(first.returncode)
    conforming = ("valid", "acme", "acme-faults", "acme-no-edition")  # the format only
    assert codes == {0 if path.name in conforming else 1}
    env = {**os.environ, "NOMENGRAPH_LANG": "fr"}
    by_env = subprocess.run(
        [sys.executable, "-m", "nomengraph.cli", "check", str(path)],
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    assert (by_env.returncode, by_env.stdout, by_env.stderr) == (
        first.returncode,
        first.stdout,
        first.stderr,
    )


def test_check_in_french_says_each_problem_in_french() -> None:
    out = run("check", str(FIXTURES / "invalid"), "--lang", "fr")
    assert out.returncode == 1
    lines = out.stdout.decode().splitlines()
    invalid = FIXTURES / "invalid"
    for expected in (
        f"{invalid / 'level-out-of-range.yaml'}:11: [competences[0].level_min] "
        "level_min 6 : doit valoir au plus 5",
        f"{invalid / 'missing-title.yaml'}:1: [title] le champ 'title' est obligatoire",
        f"{invalid / 'yaml-syntax.yaml'}:5: syntaxe YAML : expected ',' or ']', but got ':'",
        f"{invalid / 'empty-title.yaml'}:5: [title] title '' : ne peut être vide",
    ):
        assert expected in lines
    assert out.stderr.decode() == f"{len(lines)} problème(s)\n"


def test_a_bad_language_setting_is_named_and_exit_2(tmp_path: Path) -> None:
    env = {**os.environ, "NOMENGRAPH_LANG": "de"}
    for args in (("check", str(FIXTURES / "valid")), ("validate", str(tmp_path))):
        out = subprocess.run(
            [sys.executable, "-m", "nomengraph.cli", *args],
            capture_output=True,
            env=env,
            timeout=60,
        )
        assert out.returncode == 2
        assert out.stderr.decode().splitlines() == [
            "nomengraph: error: bad setting NOMENGRAPH_LANG='de': must be one of en, fr"
        ]


def test_validate_with_cards_leaves_the_process_environment_alone(tmp_path, monkeypatch):
    """``--cards`` is a flag of this run: it must not become NOMENGRAPH_CARDS for whatever the
    process runs next (in-process callers, the tests themselves)."""
    monkeypatch.delenv("NOMENGRAPH_CARDS", raising=False)
    assert main(["validate", "--cards", str(tmp_path / "none")]) == 2
    assert "NOMENGRAPH_CARDS" not in os.environ
