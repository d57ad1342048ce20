"""Cut the labels of every concept the shipped mappings link to out of the full public exports.

Writes ``src/nomengraph/data/labels/*.tsv`` (see the README there): the ESCO occupations and
skills, ROME fiches and ISCO-08 groups that ``data/mappings/*.sssom.tsv`` use, with their English
and French labels, each ESCO occupation's ESCO code, ISCO-08 unit group and broader concept, and
the rows of the official ESCO–O*NET crosswalk for those occupations with the O*NET-SOC 2019
titles. Run it again whenever a reviewed mapping gains a new object, then
``python tools/derive_mappings.py`` to refresh the chained sets::

    python tools/ship_labels.py VOCAB_DIR

``VOCAB_DIR`` holds the exports in their official layouts: ``esco/v1.2.0_en/`` (ESCO v1.2.0 CSV
export), ``esco/fr/v1.2.1_api_labels/`` and ``esco/fr/v1.0.x/`` (French labels),
``rome/v460/`` (ROME 4.0 CSV files) and ``crosswalks/crosswalk_esco_onet.csv``. The output
depends only on those files and the mapping sets: a second run gives byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from nomengraph import link, resources

LABELS = resources.DATA / "labels"
ESCO = "http://data.europa.eu/esco/"


def read_csv(path: Path, skip_to: str | None = None) -> list[dict[str, str]]:
    """A quoted CSV file as dicts; ``skip_to``: the first cell of the header row (the crosswalk
    files open with a metadata preamble)."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    start = 0
    if skip_to is not None:
        start = next(i for i, r in enumerate(rows) if r and r[0] == skip_to)
    header = [h.strip() for h in rows[start]]
    return [dict(zip(header, r, strict=False)) for r in rows[start + 1 :] if any(r)]


def by_uri(rows: list[dict[str, str]], label: str = "preferredLabel") -> dict[str, str]:
    found: dict[str, str] = {}
    for r in rows:
        found.setdefault(r["conceptUri"].strip(), r[label].strip())
    return found


def write_tsv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    lines = ["\t".join(header)]
    for row in sorted(rows):
        cells = [c.replace("\t", " ").replace("\n", " ").strip() for c in row]
        lines.append("\t".join(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{path.relative_to(resources.PACKAGE.parent.parent)}: {len(rows)} rows")


def used_objects() -> set[str]:
    objects = set()
    for mset in link.read_mappings(resources.MAPPINGS):
        for row in mset.rows:
            if not row.no_match:
                objects.add(mset.expand(row.object_id))
    return objects


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("vocab", type=Path, help="folder of the public exports (see above)")
    args = parser.parse_args(argv)
    v: Path = args.vocab
    esco_en = v / "esco" / "v1.2.0_en"
    fr_api = v / "esco" / "fr" / "v1.2.1_api_labels"
    fr_old = v / "esco" / "fr" / "v1.0.x"
    for needed in (esco_en, fr_api, fr_old, v / "rome" / "v460", v / "crosswalks"):
        if not needed.is_dir():
            print(f"error: {needed} is not a folder", file=sys.stderr)
            return 2

    used = used_objects()
    occ_rows = {r["conceptUri"]: r for r in read_csv(esco_en / "occupations_en.csv")}
    occ_fr = by_uri(read_csv(fr_old / "occupations_fr.csv"))
    occ_fr.update(by_uri(read_csv(fr_api / "occupations_fr.csv")))  # newer labels win
    broader: dict[str, str] = {}
    for r in read_csv(esco_en / "broaderRelationsOccPillar_en.csv"):
        broader.setdefault(r["conceptUri"], r["broaderUri"])

    # occupations: those the mappings use, and the broader occupations up to an ISCO group
    todo = sorted(o for o in used if o.startswith(ESCO + "occupation/"))
    occupations: dict[str, list[str]] = {}
    while todo:
        uri = todo.pop()
        if uri in occupations:
            continue
        row = occ_rows.get(uri)
        if row is None:
            print(f"error: {uri} is not in {esco_en / 'occupations_en.csv'}", file=sys.stderr)
            return 1
        up = broader.get(uri) or f"{ESCO}isco/C{row['iscoGroup']}"
        occupations[uri] = [
            uri,
            row["code"],
            row["iscoGroup"],
            up,
            row["preferredLabel"],
            occ_fr.get(uri, ""),
        ]
        if up.startswith(ESCO + "occupation/"):
            todo.append(up)

    # skills
    skills_en: dict[str, str] = {}
    for path in sorted(esco_en.glob("*SkillsCollection_en.csv")):
        for uri, label in by_uri(read_csv(path)).items():
            skills_en.setdefault(uri, label)
    derived = v / "esco" / "derived" / "skills_en_v1.2.0_reconstructed.csv"
    if derived.is_file():
        for uri, label in by_uri(read_csv(derived)).items():
            if label:
                skills_en.setdefault(uri, label)
    skills_fr = by_uri(read_csv(fr_old / "skills_fr.csv"))
    skills_fr.update(by_uri(read_csv(fr_api / "skills_fr.csv")))
    skills = []
    for uri in sorted(o for o in used if o.startswith(ESCO + "skill/")):
        if uri not in skills_en:
            print(f"error: no English label for {uri}", file=sys.stderr)
            return 1
        skills.append([uri, skills_en[uri], skills_fr.get(uri, "")])

    # ISCO-08 groups: the unit groups of the occupations and every group above them
    isco_en = {r["code"]: r["preferredLabel"] for r in read_csv(esco_en / "ISCOGroups_en.csv")}
    isco_fr = {r["code"]: r["preferredLabel"] for r in read_csv(fr_old / "ISCOGroups_fr.csv")}
    codes = {o[2][:n] for o in occupations.values() for n in range(1, len(o[2]) + 1)}
    isco = [[c, isco_en[c], isco_fr.get(c, "")] for c in sorted(codes)]

    # ROME fiches (French only: ROME has no English labels)
    rome_rows = read_csv(v / "rome" / "v460" / "unix_referentiel_code_rome_v460_utf8.csv")
    rome_labels = {r["code_rome"]: r["libelle_rome"] for r in rome_rows}
    rome_ns = link.PREFIXES["rome"]
    rome = [
        [o.removeprefix(rome_ns), rome_labels[o.removeprefix(rome_ns)]]
        for o in sorted(used)
        if o.startswith(rome_ns)
    ]

    # the official ESCO–O*NET crosswalk, for those occupations and ISCO-08 groups
    crosswalk, onet = [], {}
    path = v / "crosswalks" / "crosswalk_esco_onet.csv"
    groups = {f"{ESCO}isco/C{c}" for c in codes}
    for r in read_csv(path, skip_to="O*NET Id"):
        uri = r["ESCO or ISCO URI"].strip()
        if uri in occupations or uri in groups:
            crosswalk.append([uri, r["O*NET Id"].strip(), r["Type of Match"].strip()])
            onet[r["O*NET Id"].strip()] = r["O*NET Title"].strip()

    LABELS.mkdir(exist_ok=True)
    header = ["iri", "code", "isco_group", "broader", "label_en", "label_fr"]
    write_tsv(LABELS / "esco-occupations.tsv", header, list(occupations.values()))
    write_tsv(LABELS / "esco-skills.tsv", ["iri", "label_en", "label_fr"], skills)
    write_tsv(LABELS / "isco-groups.tsv", ["code", "label_en", "label_fr"], isco)
    write_tsv(LABELS / "rome-fiches.tsv", ["code", "label_fr"], rome)
    write_tsv(
        LABELS / "onet-occupations.tsv", ["code", "label_en"], [[c, t] for c, t in onet.items()]
    )
    write_tsv(LABELS / "esco-onet-crosswalk.tsv", ["concept_iri", "onet_code", "match"], crosswalk)
    return 0


if __name__ == "__main__":
    sys.exit(main())
