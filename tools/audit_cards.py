"""Field-by-field audit of a random sample of job cards against the lines of their source.

    python tools/audit_cards.py --seed 14 --size 22 > audit.md

draws ``--size`` cards at random (``random.Random(seed)``, among the cards printed in full by
the three sources), cuts each card into its fields (title, other names, mission and trends
paragraphs, headings, notes, tasks, sub-items, deliverables, indicators, career path,
competence requirements, change notes), finds each field in the source lines of the card (the
2018 text repaired first, page furniture left out) and writes a worksheet: for every field, its
text, the source lines it was found on and the printed text of those lines, and an automatic
verdict:

- ``ok``: the text is printed as such, from the start of a printed item (line, bullet, cell,
  sentence) to its end;
- ``joined``: the text is printed as such over several lines, one of which ends a sentence
  before a line that starts with a capital: read whether two printed items were joined;
- ``seam``: the text is printed as such, and starts or ends at the seam of two run-together
  items (a capitalised word after a lower-case one, the 2010 table cells): read where it was cut;
- ``inside``: the text is printed as such, but starts or ends in the middle of a printed item
  (a split: read it);
- ``differs``: the text is not printed as such (a merge across items, a repaired or corrected
  text, a display title: read it);
- ``level``: a competence whose printed level label is not found on its lines.

A reader then goes through the worksheet, every field against its lines, and notes the fields
that are wrong. The verdicts only sort the fields: they never replace the reading.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from nomengraph import resources
from nomengraph.cards import item_text, load_cards, sub_items
from nomengraph.extract.cigref2018_text import is_area_fragment
from nomengraph.repair import repair_text

ROOT = Path(__file__).resolve().parents[1]
EDITIONS = ("cigref-2010", "cigref-2018", "sic")
_TAG = re.compile(r"</?(?:p|i|b|em|strong|ul|li|br)(?:\s[^>]*)?/?>", re.IGNORECASE)
_BULLET = re.compile(r"^(?:[-•➤–]\s+|o\s+(?=\S))")
_BANNER = re.compile(r"^\d{1,3}\s+[1-9]\.\s+[A-ZÀ-Ý' ]+$")
_RUNNING = re.compile(r"^[1-9]\.\d{1,2}\.?\s+\S")
_FOOTER = re.compile(r"^La liste des (knowledge|connaissances)|^COMPETENCES \(suite\)$")
_STARTS = ".:;)•➤–\t"


def norm(text: str, cells: bool = False) -> str:
    """Text for comparison: NFC, no HTML tags, NO-BREAK SPACE as a space, one space; TABs
    (the cells of a flattened table) kept with ``cells``, else spaces too."""
    text = unicodedata.normalize("NFC", _TAG.sub(" ", text)).replace("\xa0", " ")
    if cells:
        return "\t".join(re.sub(r"\s+", " ", c).strip() for c in text.split("\t")).strip()
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Source:
    """The lines of one source text (1-based), the 2018 one repaired."""

    path: Path
    lines: list[str]

    @classmethod
    def read(cls, path: Path) -> Source:
        text = path.read_text(encoding="utf-8")
        if "2018" in path.name:
            text = repair_text(text)
        return cls(path, text.split("\n"))

    def printed(self, first: int, last: int) -> list[tuple[int, str]]:
        """(line number, printed text) of lines first..last, without page furniture."""
        out = []
        for no in range(max(first, 1), min(last, len(self.lines)) + 1):
            text = norm(self.lines[no - 1], cells=True)
            if (
                not text
                or is_area_fragment(text)
                or _BANNER.match(text)
                or _FOOTER.match(text)
                or text.startswith("Nomenclature RH")
                or text.isdigit()
                or re.fullmatch(r"\d/\d|[-\s]+", text)
            ):
                continue
            out.append((no, text))
        return out


@dataclass
class Field:
    path: str
    text: str
    kind: str  # what the field is, for the counts: title, task, sub-item, ...
    lines: tuple[int, int] | None = None  # where to look first (competences)
    level: str | None = None


def fields(card: dict) -> Iterator[Field]:
    """Every field of a card, in the card's order, as the unit a reader checks."""
    yield Field("title", card.get("printed_title", card["title"]), "title")
    if card.get("family"):
        yield Field("family.title", card["family"]["title"], "family")
    for lang in ("fr", "en"):
        for k, name in enumerate((card.get("other_names") or {}).get(lang) or []):
            yield Field(f"other_names.{lang}[{k}]", name, "other name")
    for key in ("description", "mission"):
        for k, para in enumerate((card.get(key) or "").split("\n\n")):
            if para:
                yield Field(f"{key}¶{k + 1}", para, key)
    for g, group in enumerate(card["activities"]):
        if group.get("heading"):
            yield Field(f"activities[{g}].heading", group["heading"], "heading")
        for k, para in enumerate((group.get("note") or "").split("\n\n")):
            if para:
                yield Field(f"activities[{g}].note¶{k + 1}", para, "note")
        for t, task in enumerate(group["tasks"]):
            yield Field(f"activities[{g}].tasks[{t}]", item_text(task), "task")
            for s, sub in enumerate(sub_items(task)):
                yield Field(f"activities[{g}].tasks[{t}].items[{s}]", sub, "sub-item")
    for req in card["competences"]:
        yield Field(
            f"competences[{req['code']}]",
            req.get("descriptor") or "",
            "competence",
            tuple(req["lines"]) if req.get("lines") else None,
            req["level"],
        )
    for key, kind in (("deliverables", "deliverable"), ("performance_indicators", "indicator")):
        for k, entry in enumerate(card.get(key) or []):
            yield Field(f"{key}[{k}]", item_text(entry), kind)
            for s, sub in enumerate(sub_items(entry)):
                yield Field(f"{key}[{k}].items[{s}]", sub, "sub-item")
    path = card.get("career_path") or {}
    for k, para in enumerate((path.get("education") or "").split("\n\n")):
        if para:
            yield Field(f"career_path.education¶{k + 1}", para, "career path")
    if path.get("experience"):
        for k, para in enumerate(item_text(path["experience"]).split("\n\n")):
            yield Field(f"career_path.experience¶{k + 1}", para, "career path")
        for s, sub in enumerate(sub_items(path["experience"])):
            yield Field(f"career_path.experience.items[{s}]", sub, "sub-item")
    for k, para in enumerate((card.get("trends") or "").split("\n\n")):
        if para:
            yield Field(f"trends¶{k + 1}", para, "trends")
    for k, note in enumerate((card.get("changes") or {}).get("notes") or []):
        yield Field(f"changes.notes[{k}]", note, "change note")


@dataclass
class Found:
    verdict: str
    lines: list[tuple[int, str]]
    span: tuple[int, int] | None = None  # where in the joined printed text


def joined_text(printed: list[tuple[int, str]]) -> tuple[str, list[tuple[int, int]]]:
    """The printed lines as one text (bullets left out, a hyphen at a line end joining the
    word), and the offset where each line starts."""
    joined, starts = "", []
    for no, text in printed:
        body = _BULLET.sub("", text)
        if joined and not (joined.endswith("-") and body[:1].isalpha()):
            joined += " "
        starts.append((len(joined), no))
        joined += body
    return joined, starts


def locate(field: Field, printed: list[tuple[int, str]], used: set[int] | None = None) -> Found:
    """Find a field in printed lines, joined with spaces (a hyphen at a line end joins the
    word); line starts, bullets, table cells and punctuation are the boundaries of a printed
    item, a capitalised word after a lower-case one the seam of two run-together items. Of
    several places that print the text, the one with the cleanest boundaries is taken, and one
    that no earlier field took (``used``: a heading printed twice is two fields)."""
    if not field.text:
        return Found("empty", [])
    joined, starts = joined_text(printed)
    want = norm(field.text)
    flat = joined.replace("\t", " ")
    places = [m.start() for m in re.finditer(re.escape(want), flat)]
    if not places:
        return Found("differs", _near(want, printed))
    rank = {"ok": 0, "seam": 1, "inside": 2}
    verdicts = [
        (at in (used or ()), rank[_boundaries(joined, starts, at, at + len(want), want)], at)
        for at in places
    ]
    _, best, at = min(verdicts)
    if used is not None:
        used.add(at)
    end = at + len(want)
    first = max(k for k, (pos, _) in enumerate(starts) if pos <= at)
    last = max(k for k, (pos, _) in enumerate(starts) if pos < end)
    lines = printed[first : last + 1]
    if field.level is not None:
        window = " ".join(t for _, t in printed)
        for level in sorted(set(re.findall(r"[1-5]", field.level))):
            if not re.search(rf"\b(Level|Niveau) {level}\b", window):
                return Found("level", lines, (at, end))
    verdict = next(v for v, r in rank.items() if r == best)
    if verdict == "ok" and _joins_sentences(lines):
        verdict = "joined"
    return Found(verdict, lines, (at, end))


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", norm(text).casefold())
    return "".join(c for c in text if not unicodedata.combining(c))


def locate_family(field: Field, printed: list[tuple[int, str]]) -> Found:
    """A family title is printed in capitals on the cards or in the family headings: it is
    right when a printed heading reads the same, case and accents aside."""
    want = _fold(field.text)
    for no, text in printed:
        m = re.match(r"^(?:\d{1,3}\s+)?[1-9]\.\s+(.+)$", text)
        if m and _fold(m[1]) == want and m[1].isupper():
            return Found("ok", [(no, text)])
    return Found("differs", _near(field.text, printed))


def _joins_sentences(lines: list[tuple[int, str]]) -> bool:
    """A text printed over several lines, one of which ends a sentence before a line that
    starts with a capital: two printed items may have been joined into one."""
    for (_, a), (_, b) in zip(lines, lines[1:], strict=False):
        if a.rstrip().endswith((".", ":", ";", "!", "?")) and _BULLET.sub("", b)[:1].isupper():
            return True
    return False


def _boundaries(joined: str, starts: list[tuple[int, int]], at: int, end: int, want: str) -> str:
    """ok, seam or inside (see the module's documentation) for the text at joined[at:end]."""
    before, after = joined[:at], joined[end:]
    starts_at = {pos for pos, _ in starts}
    head = (
        at in starts_at
        or before.endswith("\t")
        or before.rstrip()[-1:] in (_STARTS + "«")
        or _LABEL_BEFORE.search(before) is not None
    )
    tail = (
        end + 1 in starts_at
        or not after.strip()
        or after.startswith("\t")
        or after.lstrip()[:1] in ".;,:)»•➤–"
    )
    if head and tail:
        return "ok"
    seam_head = head or (want[:1].isupper() and before.rstrip()[-1:].isalnum())
    seam_tail = tail or after.lstrip()[:1].isupper()
    return "seam" if seam_head and seam_tail else "inside"


def _unread(
    span: list[tuple[int, str]], found: list[tuple[int, int]], skip: set[int]
) -> list[tuple[int, str]]:
    """The printed text of a card that no field holds, line by line: what the card may have
    lost (competence lines, field labels and the first cell of a table row left out)."""
    joined, starts = joined_text(span)
    mask = [False] * len(joined)
    for a, b in found:
        mask[a:b] = [True] * (b - a)
    out = []
    for k, (pos, no) in enumerate(starts):
        stop = starts[k + 1][0] if k + 1 < len(starts) else len(joined)
        line = span[k][1]
        if no in skip or _LABEL.match(line):
            continue
        left = "".join(ch if not mask[i] else " " for i, ch in enumerate(joined[pos:stop], pos))
        left = re.sub(r"\s+", " ", left).strip(" ;,.:\t-")
        if len(re.findall(r"\w", left)) >= 3 and not _TITLE.match(line):
            out.append((no, left))
    return out


_TITLE = re.compile(r"^[1-9]\.[0-9]{1,2}\.? \S")  # a card's title, repeated on each page

# The labels of the card fields, as printed on their own lines (2010, 2018, SIC).
_LABEL = re.compile(
    r"^(MISSION|ACTIVITES ET TACHES|COMPETENCES \(.*|LIVRABLES|INDICATEURS DE PERFORMANCE"
    r"|PARCOURS PROFESSIONNEL|PROFIL\tEXPERIENCE|PROFIL|EXPERIENCE"
    r"|TENDANCES ET FACTEURS D'EVOLUTION"
    r"|Famille de|métiers|Titre du métier|et Mission|Activités et|tâches|\(Nécessaires"
    r"|pour réaliser la|mission\)|Compétences \(Issues.*|Livrables|Indicateurs de|performance"
    r"|Parcours|professionnel|Tendances et|facteurs|d'évolution|[1-9]\. [A-ZÀ-Ý' ]+)$"
)

# What a field may follow on its line: a level label, a job number, a competence code and name.
_LABEL_BEFORE = re.compile(r"((Level|Niveau) [1-5]|^[1-9]\.[0-9]{1,2}\.?)\s*$")


def _near(want: str, printed: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The printed lines sharing the most words with a text that is not printed as such."""
    words = set(re.findall(r"\w{4,}", want.lower()))
    scored = sorted(
        printed, key=lambda line: -len(words & set(re.findall(r"\w{4,}", line[1].lower())))
    )
    best = {no for no, _ in scored[:3]}
    return [line for line in printed if line[0] in best]


def sample(cards_dir: Path, seed: int, size: int) -> list[dict]:
    """``size`` cards drawn at random among the cards printed by the sources, sorted by id."""
    pool = [
        card for edition in EDITIONS for card in load_cards(cards_dir / edition) if card["has_card"]
    ]
    pool.sort(key=lambda c: c["id"])
    return sorted(random.Random(seed).sample(pool, size), key=lambda c: c["id"])


def audit(cards_dir: Path, seed: int, size: int, out: TextIO = sys.stdout) -> Counter:
    """Write the worksheet; return the count of fields per (kind, verdict)."""
    sources: dict[str, Source] = {}
    counts: Counter = Counter()
    chosen = sample(cards_dir, seed, size)
    out.write(f"# Card audit worksheet: seed {seed}, {size} cards\n\n")
    out.write("Cards: " + ", ".join(c["id"] for c in chosen) + "\n")
    for card in chosen:
        prov = card["provenance"]
        src = sources.setdefault(prov["source"], Source.read(ROOT / prov["source"]))
        span = src.printed(*prov["lines"])
        whole = src.printed(1, len(src.lines))
        first, last = prov["lines"]
        out.write(f"\n## {card['id']} — {card['title']} (l.{first}–{last})\n\n")
        covered: set[int] = set()  # the lines of the competence requirements
        for req in card["competences"]:
            if req.get("lines"):
                covered.update(range(req["lines"][0], req["lines"][1] + 1))
        spans: list[tuple[int, int]] = []  # the printed text the fields were found in
        used: set[int] = set()  # where they start
        for field in fields(card):
            where = span
            if field.kind == "change note":
                where = whole
            elif field.lines:
                where = src.printed(field.lines[0], field.lines[1])
            if field.kind == "family":
                found = locate_family(field, whole)
            else:
                found = locate(field, where, used if where is span else None)
            if found.verdict == "differs" and where is span:
                found = locate(field, whole) if field.kind == "title" else found
            counts[(field.kind, found.verdict)] += 1
            if found.span and where is span:
                spans.append(found.span)
            lines = ", ".join(str(no) for no, _ in found.lines[:1] + found.lines[-1:][:1])
            out.write(f"- **{field.path}** [{found.verdict}] l.{lines}: {field.text}\n")
            if found.verdict != "ok":
                for no, text in found.lines[:6]:
                    out.write(f"    - `{no}` {text}\n")
        rest = _unread(span, spans, covered)
        counts[("(printed line in no field)", "lines")] += len(rest)
        if rest:
            out.write("- printed text in no field (labels and competences left out):\n")
            out.writelines(f"    - `{no}` {text}\n" for no, text in rest)
    out.write("\n## Fields per kind and verdict\n\n| kind | " + " | ".join(VERDICTS) + " |\n")
    out.write("|---|" + "---|" * len(VERDICTS) + "\n")
    for kind in sorted({k for k, v in counts if v != "lines"}):
        row = " | ".join(str(counts[(kind, v)]) for v in VERDICTS)
        out.write(f"| {kind} | {row} |\n")
    total = sum(counts.values())
    ok = sum(n for (_, verdict), n in counts.items() if verdict == "ok")
    lines = counts.pop(("(printed line in no field)", "lines"), 0)
    out.write(f"\n{total - lines} fields, {ok} ok; {lines} printed lines in no field.\n")
    return counts


VERDICTS = ("ok", "joined", "seam", "inside", "differs", "level", "empty")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=14, help="random seed (default 14)")
    parser.add_argument("--size", type=int, default=22, help="cards in the sample (default 22)")
    parser.add_argument("--cards", type=Path, default=resources.CARDS, help="cards folder")
    args = parser.parse_args(argv)
    audit(args.cards, args.seed, args.size)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
