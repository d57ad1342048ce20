"""Results traced back to the card files: the file, line and field of the card, framework or
matrix file each result's focus node comes from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from rdflib.namespace import DCTERMS, PROV, RDFS, SKOS

from nomengraph import iris
from nomengraph.messages import COMPETENCE, JOB, MATRIX
from nomengraph.report import SEVERITIES, Location, Report, Result

_CODE_TAIL = re.compile(r"/competence/(?P<code>[A-E]\.[0-9]{1,2})$")

_NG, _SKOS, _DCT, _RDFS, _PROV = iris.DEF, str(SKOS), str(DCTERMS), str(RDFS), str(PROV)

_JOB_FIELDS: dict[str, list[Any]] = {
    _SKOS + "prefLabel": ["title"],
    _SKOS + "altLabel": ["other_names"],
    _SKOS + "notation": ["number"],
    _SKOS + "inScheme": ["edition"],
    _NG + "family": ["family"],
    _NG + "mission": ["mission"],
    _DCT + "description": ["description"],
    _NG + "hasCard": ["has_card"],
    _NG + "hasRequirement": ["competences"],
    _NG + "hasActivityGroup": ["activities"],
    _NG + "hasDeliverable": ["deliverables"],
    _NG + "hasPerformanceIndicator": ["performance_indicators"],
    _NG + "hasCareerPath": ["career_path"],
    _NG + "trends": ["trends"],
    _NG + "changeStatus": ["changes", "status"],
    _NG + "previousNumber": ["changes", "previous_number"],
    _NG + "changeNote": ["changes", "notes"],
    _NG + "appliedCorrection": ["corrections"],
    _PROV + "wasDerivedFrom": ["provenance"],
}
_REQUIREMENT_FIELDS: dict[str, list[Any]] = {
    _NG + "competence": ["code"],
    _NG + "minLevel": ["level_min"],
    _NG + "maxLevel": ["level_max"],
    _NG + "levelAsPrinted": ["level"],
    _NG + "descriptorAsPrinted": ["descriptor"],
    _NG + "doubtful": ["doubtful"],
    _NG + "printedCode": ["printed_code"],
    _RDFS + "comment": ["note"],
    _NG + "appliedCorrection": ["corrections"],
    _NG + "firstLine": ["lines"],
    _NG + "lastLine": ["lines"],
}


@dataclass
class _File:
    path: Path
    data: Any
    node: yaml.Node | None


class CardIndex:
    """The YAML files of a cards folder, indexed by what the IRIs name: (edition, number) for
    cards, e-CF version for framework files, edition for matrix files."""

    def __init__(self, files: Iterable[Path], base: Path | None = None):
        from nomengraph.cards import CardError, parse_yaml

        self.base = base
        self.cards: dict[tuple[str, str], _File] = {}
        self.ecf: dict[str, _File] = {}
        self.matrices: dict[str, _File] = {}
        for path in files:
            try:
                data, node = parse_yaml(path.read_text(encoding="utf-8"), str(path))
            except (CardError, OSError, UnicodeDecodeError):
                continue
            if not isinstance(data, dict):
                continue
            entry = _File(path, data, node)
            if data.get("framework") == "e-CF" and "competences" in data:
                self.ecf[str(data.get("version"))] = entry
            elif "rows" in data and "edition" in data:
                self.matrices[str(data["edition"])] = entry
            elif "edition" in data and "number" in data:
                self.cards[(str(data["edition"]), str(data["number"]))] = entry

    @classmethod
    def scan(cls, folder: str | Path, *more: str | Path) -> CardIndex:
        """The YAML files of ``folder`` (a folder or one file) and of the ``more`` folders."""
        folder = Path(folder)
        if folder.is_file() and not more:
            return cls([folder])
        files = [
            p
            for f in (folder, *map(Path, more))
            for p in (sorted(f.rglob("*.yaml"), key=lambda p: p.as_posix()) if f.is_dir() else [f])
        ]
        return cls(files, folder)

    def _where(self, entry: _File, path: Sequence[Any]) -> Location:
        from nomengraph.cards import _node_line, field_path

        return Location(str(entry.path), _node_line(entry.node, path), field_path(path))

    def locate(self, result: Result) -> Location | None:
        """The file, line and field a result points to, or None when no file holds it."""
        focus = result.focus
        m = JOB.match(focus)
        if m:
            return self._locate_job(m, result)
        m = MATRIX.match(focus)
        if m:
            return self._locate_matrix(m)
        m = COMPETENCE.match(focus)
        if m and m.group("version") in self.ecf:
            entry = self.ecf[m.group("version")]
            path: list[Any] = ["competences"]
            for i, comp in enumerate(entry.data.get("competences") or []):
                if isinstance(comp, dict) and comp.get("code") == m.group("code"):
                    path = ["competences", i]
            return self._where(entry, path)
        return None

    def _locate_job(self, m: re.Match[str], result: Result) -> Location | None:
        entry = self.cards.get((m.group("edition"), m.group("number")))
        if entry is None:
            return None
        rest = m.group("rest") or ""
        data = entry.data
        if not rest:
            path = list(_JOB_FIELDS.get(result.path or "", []))
            if result.path == _NG + "hasRequirement" and result.value:
                found = self._competence_index(data, result.value)
                if found is not None:
                    path = ["competences", found]
            return self._where(entry, path)
        code = _CODE_TAIL.match(rest)
        if code:
            index = self._competence_index(data, code.group("code"))
            if index is None:
                return self._where(entry, ["competences"])
            fields = _REQUIREMENT_FIELDS.get(result.path or "", [])
            if not fields and result.shape.endswith("AdmissibleLevelShape"):
                fields = ["level"]  # the level as printed, which the range comes from
            return self._where(entry, ["competences", index, *fields])
        parts = rest.strip("/").split("/")
        lists = {
            "activity": "activities",
            "deliverable": "deliverables",
            "indicator": "performance_indicators",
        }
        if parts[0] in lists and len(parts) == 2 and parts[1].isdigit():
            return self._where(entry, [lists[parts[0]], int(parts[1]) - 1])
        if parts[0] == "career-path":
            return self._where(entry, ["career_path"])
        if parts[0] == "source":
            return self._where(entry, ["provenance"])
        return self._where(entry, [])

    @staticmethod
    def _competence_index(card: dict[str, Any], code_or_iri: str) -> int | None:
        code = code_or_iri.rsplit("/", 1)[-1]
        for i, req in enumerate(card.get("competences") or []):
            if isinstance(req, dict) and req.get("code") == code:
                return i
        return None

    def _locate_matrix(self, m: re.Match[str]) -> Location | None:
        entry = self.matrices.get(m.group("edition"))
        if entry is not None:
            for i, row in enumerate(entry.data.get("rows") or []):
                if isinstance(row, dict) and str(row.get("number")) == m.group("number"):
                    path: list[Any] = ["rows", i]
                    code = m.group("code")
                    if code and isinstance(row.get("levels"), dict) and code in row["levels"]:
                        path += ["levels", code]
                    return self._where(entry, path)
        card = self.cards.get((m.group("edition"), m.group("number")))
        if card is None:
            return None
        index = self._competence_index(card.data, m.group("code") or "")
        return self._where(card, ["competences", index] if index is not None else ["competences"])


def map_to_cards(report: Report, cards_dir: str | Path | CardIndex) -> Report:
    """Return the report with each result located in the card files under ``cards_dir``: a job
    IRI maps to ``<edition>/<number>.yaml`` and the field its path names, a requirement IRI to
    that card's ``competences[i]``, an e-CF competence to the framework file, a matrix row or cell
    to the matrix file. Results that no file holds keep ``location=None``."""
    index = cards_dir if isinstance(cards_dir, CardIndex) else CardIndex.scan(cards_dir)
    located = sorted(
        (replace(r, location=index.locate(r)) for r in report.results), key=_location_order
    )
    return Report(located, report.graph, report.seconds, list(report.problems), report.lang)


def _location_order(result: Result) -> tuple[Any, ...]:
    """Severity, then file and line (results that no file holds last), then the result's own
    order: a report reads down each file."""
    where = result.location
    return (
        SEVERITIES.index(result.severity) if result.severity in SEVERITIES else 9,
        where is None,
        (where.file, where.line or 0, where.field) if where else ("", 0, ""),
        result.sort_key(),
    )
