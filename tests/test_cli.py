"""The nomengraph command, run as a real process: exit codes, messages, outputs."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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
    out = run("check", str(ROOT / "cards" / "cigref-2018"))
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
