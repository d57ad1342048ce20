"""Derived mapping sets: the e-CF 3.0 → 4.0 correspondence, and each job's ISCO-08 unit groups
and O*NET-SOC 2019 occupations chained from the reviewed job → ESCO occupation links.

``ecf-3.0-4.0.sssom.tsv``: every e-CF 4.0 competence → the e-CF 3.0 competence it continues, as
the framework data says (``ecf/ecf-4.0.yaml``, ``previous``, extracted from
``sources/ecf-3.0-to-4.0-codes.csv``), in the direction of ``ecf-2.0-3.0``; new competences have
``sssom:NoTermFound``, and the 3.0 competences 4.0 dropped are related to the 4.0 competence the
concordance says took them over, so that every 3.0 competence is an object.

For every edition with a reviewed ``<edition>-esco.sssom.tsv``, writes to ``data/mappings/``:

* ``<edition>-isco.sssom.tsv``: job → the ISCO-08 unit group of each of its ESCO occupations
  (``data/labels/esco-occupations.tsv``, column ``isco_group``);
* ``<edition>-onet.sssom.tsv``: job → the O*NET-SOC 2019 occupations that the official ESCO–O*NET
  crosswalk gives for each of its ESCO occupations (``data/labels/esco-onet-crosswalk.tsv``).

Every row is ``semapv:MappingChaining``, unreviewed (no ``reviewer_id``), and its ``comment``
names the path: the ESCO occupation in the middle and both links. The predicate composes the two
links (:func:`compose`), the confidence multiplies theirs; when several paths reach the same
target, the most confident one is kept and the others are named in the comment. A job none of
whose occupations reaches a target gets a ``sssom:NoTermFound`` row saying why, so that every set
is complete. The output depends only on the package's files (byte-identical on a second run)::

    python tools/derive_mappings.py
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nomengraph import iris, resources
from nomengraph.cards import ECF_SCHEMA, load_data_file
from nomengraph.labels import FILES, read_table
from nomengraph.link import MappingRow, format_sssom, mapping_set_iri, read_sssom

EDITIONS = {
    "cigref-2010": ("ng2010", "CIGREF 2010 jobs"),
    "cigref-2018": ("ng2018", "CIGREF 2018 jobs"),
    "sic": ("ngsic", "SIC jobs"),
}
ROOT = Path(__file__).resolve().parents[1]
CHAINING = "semapv:MappingChaining"
MANUAL = "semapv:ManualMappingCuration"
TEAM = "nomengraph:team"
MAPPING_DATE = "2026-12-03"

STRENGTH = {
    "skos:exactMatch": 4,
    "skos:closeMatch": 3,
    "skos:broadMatch": 2,
    "skos:narrowMatch": 2,
    "skos:relatedMatch": 1,
}
CROSSWALK_CONFIDENCE = {
    "skos:exactMatch": 0.95,
    "skos:closeMatch": 0.8,
    "skos:broadMatch": 0.75,
    "skos:narrowMatch": 0.75,
}
"""The project's confidence scale (mappings/README.md) applied to the crosswalk's match types."""


def compose(first: str, second: str) -> str:
    """The SKOS match from A to C, given A ``first`` B and B ``second`` C.

    Exact is neutral, except that a chain is never asserted exact (two reviewed equivalences do
    not make a reviewed one): exact∘exact is closeMatch. Close with close stays close; broad
    (narrow) with exact, close or broad (narrow) stays broad (narrow); broad with narrow, or
    anything with related, is only related."""
    if first == "skos:exactMatch" and second == "skos:exactMatch":
        return "skos:closeMatch"
    if first == "skos:exactMatch":
        return second
    if second == "skos:exactMatch":
        return first
    if "skos:relatedMatch" in (first, second):
        return "skos:relatedMatch"
    kinds = {first, second} - {"skos:closeMatch"}
    if not kinds:
        return "skos:closeMatch"
    if len(kinds) == 1:
        return kinds.pop()
    return "skos:relatedMatch"  # broad and narrow


@dataclass(frozen=True)
class Path_:
    """One way from a job to a target: through an ESCO occupation."""

    predicate: str
    confidence: float
    text: str


def _pick(paths: list[Path_]) -> tuple[Path_, list[Path_]]:
    ordered = sorted(paths, key=lambda p: (-p.confidence, -STRENGTH[p.predicate], p.text))
    return ordered[0], ordered[1:]


def _read(name: str) -> list[dict[str, str]]:
    return [r for _, r in read_table(resources.LABELS / name, FILES[name])]


def derive(edition: str) -> dict[str, tuple[dict[str, Any], list[MappingRow]]]:
    """``{set name: (metadata, rows)}`` of the edition's chained ISCO-08 and O*NET sets."""
    prefix, subjects_title = EDITIONS[edition]
    source = read_sssom(resources.MAPPINGS / f"{edition}-esco.sssom.tsv")
    occupations = {r["iri"]: r for r in _read("esco-occupations.tsv")}
    isco_labels = {r["code"]: r["label_en"] for r in _read("isco-groups.tsv")}
    onet_labels = {r["code"]: r["label_en"] for r in _read("onet-occupations.tsv")}
    crosswalk: dict[str, list[tuple[str, str]]] = {}
    for r in _read("esco-onet-crosswalk.tsv"):
        match = "skos:exactMatch" if r["match"] == "exactISCO" else "skos:" + r["match"]
        crosswalk.setdefault(r["concept_iri"], []).append((r["onet_code"], match))

    labels: dict[str, str] = {}
    isco: dict[str, dict[str, list[Path_]]] = {}
    onet: dict[str, dict[str, list[Path_]]] = {}
    why_not: dict[str, str] = {}
    missed: dict[str, list[str]] = {}
    for row in source.rows:
        job = row.subject_id
        labels[job] = row.subject_label
        isco.setdefault(job, {})
        onet.setdefault(job, {})
        if row.no_match:
            why_not[job] = f"no ESCO occupation (reviewed, {source.name}: {row.comment})"
            continue
        occ = occupations[source.expand(row.object_id)]
        leg = f"{job} {row.predicate_id} {row.object_id} '{occ['label_en']}' ({source.name})"
        group = occ["isco_group"]
        isco[job].setdefault(group, []).append(
            Path_(
                compose(row.predicate_id, "skos:broadMatch"),
                row.confidence or 0.0,
                f"via {leg}; the occupation's ISCO-08 unit group is {group} (ESCO v1.2.0)",
            )
        )
        for code, predicate, confidence, text in _onet_paths(occ, occupations, crosswalk):
            onet[job].setdefault(code, []).append(
                Path_(
                    compose(row.predicate_id, predicate),
                    round((row.confidence or 0.0) * confidence, 3),
                    f"via {leg}; {text}",
                )
            )
        if not any(True for _ in _onet_paths(occ, occupations, crosswalk)):
            missed.setdefault(job, []).append(f"'{occ['label_en']}'")
    for job, names in missed.items():
        if not onet[job]:
            why_not[job] = (
                f"the ESCO–O*NET crosswalk (ESCO v1.1.0) links none of the job's ESCO "
                f"occupations ({', '.join(names)}), nor a broader occupation or their ISCO-08 "
                "unit group"
            )

    def rows_of(found: dict[str, dict[str, list[Path_]]], target: str, label: Any) -> list:
        rows = []
        for job in sorted(found, key=_number):
            if not found[job]:
                reason = why_not.get(job) or (
                    "none of the job's ESCO occupations is in the ESCO–O*NET crosswalk"
                )
                rows.append(
                    MappingRow(
                        job,
                        "skos:closeMatch",
                        "sssom:NoTermFound",
                        CHAINING,
                        subject_label=labels[job],
                        confidence=0.9,
                        author_id=TEAM,
                        comment=reason,
                    )
                )
                continue
            for code, paths in sorted(found[job].items()):
                best, others = _pick(paths)
                comment = best.text
                if others:
                    comment += "; also " + "; also ".join(p.text for p in others)
                rows.append(
                    MappingRow(
                        job,
                        best.predicate,
                        f"{target}:{'C' if target == 'isco' else ''}{code}",
                        CHAINING,
                        subject_label=labels[job],
                        object_label=label(code),
                        confidence=best.confidence,
                        author_id=TEAM,
                        comment=comment,
                    )
                )
        return rows

    common = {
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "subject_source": iris.edition(edition),
        "creator_id": [TEAM],
        "mapping_date": MAPPING_DATE,
    }
    curie = {
        prefix: source.curie_map[prefix],
        "esco": source.curie_map["esco"],
        "skos": "http://www.w3.org/2004/02/skos/core#",
        "semapv": "https://w3id.org/semapv/vocab/",
        "sssom": "https://w3id.org/sssom/",
        "nomengraph": iris.BASE,
    }
    isco_name, onet_name = f"{edition}-isco", f"{edition}-onet"
    isco_meta = {
        "curie_map": {**curie, "isco": iris.isco_group("0")[:-2]},
        "mapping_set_id": mapping_set_iri(isco_name),
        "mapping_set_title": f"{subjects_title} to ISCO-08 unit groups (chained through ESCO)",
        "mapping_set_description": f"Derived from {source.name}: each job is linked to the "
        "ISCO-08 unit group of each of its ESCO occupations (ESCO v1.2.0's iscoGroup). The "
        "predicate composes the job's reviewed link with 'the unit group is broader than the "
        "occupation'; the comment names the occupation in the middle.",
        **common,
        "object_source": iris.isco_scheme(),
        "comment": "Chained, not reviewed row by row; regenerate with tools/derive_mappings.py.",
    }
    onet_meta = {
        "curie_map": {**curie, "onet": iris.onet("00-0000.00")[: -len("00-0000.00")]},
        "mapping_set_id": mapping_set_iri(onet_name),
        "mapping_set_title": f"{subjects_title} to O*NET-SOC 2019 occupations (chained "
        "through ESCO)",
        "mapping_set_description": f"Derived from {source.name} and the official ESCO–O*NET "
        "crosswalk (ESCO Secretariat and US DOL/ETA, version 1, September 2022, ESCO v1.1.0 to "
        "O*NET-SOC 2019). The predicate composes the two links, the confidence multiplies "
        "theirs (the crosswalk's match types read on the project's scale); the comment names "
        "the ESCO occupation in the middle.",
        **common,
        "object_source": iris.onet_scheme(),
        "see_also": ["https://esco.ec.europa.eu/en/use-esco/other-crosswalks"],
        "comment": "Chained, not reviewed row by row; regenerate with tools/derive_mappings.py.",
    }
    return {
        isco_name: (isco_meta, rows_of(isco, "isco", isco_labels.__getitem__)),
        onet_name: (onet_meta, rows_of(onet, "onet", onet_labels.__getitem__)),
    }


def _onet_paths(
    occ: dict[str, str],
    occupations: dict[str, dict[str, str]],
    crosswalk: dict[str, list[tuple[str, str]]],
) -> Iterator[tuple[str, str, float, str]]:
    """(O*NET code, predicate from the occupation, confidence, how) for an ESCO occupation: the
    crosswalk's own rows for it; when it has none, those of the nearest broader ESCO occupation
    that has some (the occupation is a broadMatch of it); when none has, the O*NET occupation
    the crosswalk gives as the exact equivalent of its ISCO-08 unit group."""
    here, steps = occ, []
    while True:
        rows = crosswalk.get(here["iri"], [])
        if rows:
            for code, match in rows:
                predicate = "skos:exactMatch"
                for _ in steps:
                    predicate = compose(predicate, "skos:broadMatch")
                predicate = compose(predicate, match)
                confidence = CROSSWALK_CONFIDENCE[match] * 0.75 ** len(steps)
                who = f"esco:{here['iri'].rsplit('/', 1)[1]}"
                text = (
                    "".join(f"{s} has the broader ESCO occupation " for s in steps)
                    + f"{who} {match} onet:{code} (ESCO–O*NET crosswalk)"
                )
                yield code, predicate, confidence, text
            return
        up = occupations.get(here["broader"])
        if up is None:
            break
        steps.append(f"'{here['label_en']}'")
        here = up
    group = occ["isco_group"]
    for code, match in crosswalk.get(iris.isco_group(group), []):
        yield (
            code,
            compose("skos:broadMatch", match),
            CROSSWALK_CONFIDENCE[match] * 0.75,
            f"its ISCO-08 unit group {group} is, in the ESCO–O*NET crosswalk, the exact "
            f"equivalent of onet:{code}",
        )


ECF_RELATIONS = {
    "same": ("skos:exactMatch", 0.95, "same competence"),
    "renamed": ("skos:closeMatch", 0.9, "renamed: '{old}' became '{new}'"),
}
CODES = ROOT / "sources" / "ecf-3.0-to-4.0-codes.csv"


def derive_ecf() -> tuple[dict[str, Any], list[MappingRow]]:
    """Metadata and rows of ``ecf-3.0-4.0``."""
    ecf4 = load_data_file(resources.CARDS / "ecf" / "ecf-4.0.yaml", ECF_SCHEMA)
    ecf3 = load_data_file(resources.CARDS / "ecf" / "ecf-3.0.yaml", ECF_SCHEMA)
    names3 = {c["code"]: c["name"]["en"] for c in ecf3["competences"]}
    names4 = {c["code"]: c["name"]["en"] for c in ecf4["competences"]}
    rows = []

    def row(new: str, predicate: str, old: str | None, confidence: float, why: str) -> None:
        rows.append(
            MappingRow(
                f"ecf4:{new}",
                predicate,
                f"ecf3:{old}" if old else "sssom:NoTermFound",
                MANUAL,
                subject_label=names4[new],
                object_label=names3[old] if old else "",
                confidence=confidence,
                author_id=TEAM,
                reviewer_id=TEAM,
                comment=why,
            )
        )

    for comp in ecf4["competences"]:
        prev, code = comp["previous"], comp["code"]
        if prev["relation"] == "new":
            row(code, "skos:closeMatch", None, 0.95, "new in e-CF 4.0")
            continue
        predicate, confidence, why = ECF_RELATIONS[prev["relation"]]
        if prev["code"] != code:
            why = f"renumbered: e-CF 3.0 {prev['code']} became {code}, same name and scope"
        row(
            code,
            predicate,
            prev["code"],
            confidence,
            why.format(old=names3[prev["code"]], new=names4[code]),
        )
    with CODES.open(encoding="utf-8", newline="") as fh:
        for line, r in enumerate(csv.DictReader(fh), start=2):
            if r["ecf3_code"] and not r["ecf4_code"]:
                heir = re.search(r"absorbed by ([A-E]\.[0-9]+)", r["relation"])
                if heir is None:
                    raise SystemExit(
                        f"{CODES}:{line}: no 4.0 competence took over {r['ecf3_code']}"
                    )
                row(heir.group(1), "skos:relatedMatch", r["ecf3_code"], 0.5, r["relation"])
    rows.sort(key=lambda r: (_code_key(r.subject_id), _code_key(r.object_id)))
    metadata = {
        "curie_map": {
            "ecf4": iris.competence("4.0", "A.1")[: -len("A.1")],
            "ecf3": iris.competence("3.0", "A.1")[: -len("A.1")],
            "skos": "http://www.w3.org/2004/02/skos/core#",
            "semapv": "https://w3id.org/semapv/vocab/",
            "sssom": "https://w3id.org/sssom/",
            "nomengraph": iris.BASE,
        },
        "mapping_set_id": mapping_set_iri("ecf-3.0-4.0"),
        "mapping_set_title": "e-CF 4.0 competences to the e-CF 3.0 competences they continue",
        "mapping_set_description": "Direction 4.0 -> 3.0 (as the framework data's 'previous' and "
        "the ecf-2.0-3.0 set); read backwards, it gives every e-CF 3.0 requirement of the 2018 "
        "cards in e-CF 4.0 terms. New 4.0 competences have sssom:NoTermFound; the 3.0 "
        "competences 4.0 dropped (D.6, D.7) are related to D.5, which took them over.",
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "subject_source": iris.framework("4.0"),
        "object_source": iris.framework("3.0"),
        "creator_id": [TEAM],
        "mapping_date": MAPPING_DATE,
        "comment": "From the code concordance sources/ecf-3.0-to-4.0-codes.csv, checked against "
        "both frameworks' names and descriptions; regenerate with tools/derive_mappings.py.",
    }
    return metadata, rows


def _code_key(curie: str) -> tuple[str, int]:
    letter, _, number = curie.partition(":")[2].partition(".")
    return (letter, int(number) if number.isdigit() else 0)


def _number(curie: str) -> tuple[int, ...]:
    return tuple(int(p) for p in curie.partition(":")[2].split("."))


def main() -> int:
    metadata, rows = derive_ecf()
    path = resources.MAPPINGS / "ecf-3.0-4.0.sssom.tsv"
    path.write_text(format_sssom(metadata, rows), encoding="utf-8")
    print(f"{path.name}: {len(rows)} rows")
    for edition in EDITIONS:
        for name, (metadata, rows) in derive(edition).items():
            path: Path = resources.MAPPINGS / f"{name}.sssom.tsv"
            path.write_text(format_sssom(metadata, rows), encoding="utf-8")
            print(f"{path.name}: {len(rows)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
