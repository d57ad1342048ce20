"""The linked concepts shipped in the package: what the mappings point at, with its labels.

The mappings (``data/mappings/*.sssom.tsv``) link the jobs and competences to ESCO occupations
and skills, ROME fiches, ISCO-08 groups and O*NET-SOC 2019 occupations. Those vocabularies are
far larger than what the project uses and are not shipped whole (``--esco`` / ``--rome`` load the
full exports); ``data/labels/*.tsv`` hold, for every concept a mapping names, its labels in
English and French (where the source has them) and its place in its hierarchy, cut out of the
official exports by ``tools/ship_labels.py`` (sources and licences in ``data/labels/README.md``).

:func:`labels_graph` turns them into the named graph ``graph/labels``, loaded by every build, so
that a page or a query can name a linked concept without the full exports. The model is the
vocabularies' own, the one :mod:`nomengraph.vocabularies` gives the full exports:

* an ESCO occupation is an ``esco:Occupation`` with ``skos:prefLabel`` (en, fr), its ESCO code as
  ``skos:notation`` (``2512.4``), ``skos:broader`` as ESCO states it (an ISCO-08 unit group or a
  broader occupation, shipped too), and ``skos:broaderTransitive`` its ISCO-08 unit group;
* an ISCO-08 group is an ``esco:ISCOGroup`` with its code as ``skos:notation``, labels in English
  and French and ``skos:broader`` the group above it;
* an ESCO skill is an ``esco:Skill`` with its labels;
* a ROME fiche is an ``ng:RomeOccupation`` with its code and French label (ROME has no English);
* an O*NET-SOC 2019 occupation is a ``skos:Concept`` of the scheme ``id/onet`` with its code and
  English title, and ``rdfs:seeAlso`` its page on O*NET OnLine.

The file layouts are checked as they are read: a missing file or column, or a row with the wrong
number of cells, is a :class:`LabelsError` naming the file and the line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from nomengraph import iris, resources
from nomengraph.vocab import DCTERMS, ESCO, NG, RDF, RDFS, SKOS

__all__ = ["FILES", "LabelsError", "labels_graph", "read_table"]

FILES: dict[str, tuple[str, ...]] = {
    "esco-occupations.tsv": ("iri", "code", "isco_group", "broader", "label_en", "label_fr"),
    "esco-skills.tsv": ("iri", "label_en", "label_fr"),
    "isco-groups.tsv": ("code", "label_en", "label_fr"),
    "rome-fiches.tsv": ("code", "label_fr"),
    "onet-occupations.tsv": ("code", "label_en"),
    "esco-onet-crosswalk.tsv": ("concept_iri", "onet_code", "match"),
}
"""The files of ``data/labels/`` and their columns, in order."""

ESCO_LICENSE = "https://eur-lex.europa.eu/eli/dec/2011/833/oj"
ESCO_ATTRIBUTION = "This service uses the ESCO classification of the European Commission."
ONET_TITLE = "O*NET-SOC 2019 occupations"
ONET_RIGHTS = (
    "O*NET-SOC 2019 codes and titles as published in the ESCO–O*NET crosswalk (ESCO and the U.S. "
    "Department of Labor/Employment and Training Administration, 2022); O*NET® is a trademark "
    "of USDOL/ETA."
)
ONET_PAGE = "https://www.onetonline.org/link/summary/"


class LabelsError(ValueError):
    """A file of ``data/labels/`` does not have its layout; the message names file and line."""


def read_table(path: Path, columns: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, record) of a tab-separated file whose header is exactly ``columns``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LabelsError(f"{path}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise LabelsError(f"{path}: not UTF-8 ({exc.reason})") from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if header != list(columns):
        raise LabelsError(
            f"{path}:1: the header must be {' '.join(columns)} (found {' '.join(header or [])})"
        )
    for line, cells in enumerate(reader, start=2):
        if not cells:
            continue
        if len(cells) != len(columns):
            raise LabelsError(f"{path}:{line}: {len(cells)} cells, the header has {len(columns)}")
        yield line, dict(zip(columns, cells, strict=True))


def _labels(g: Graph, node: URIRef, record: dict[str, str]) -> None:
    for lang in ("en", "fr"):
        text = record.get(f"label_{lang}", "")
        if text:
            g.add((node, SKOS.prefLabel, Literal(text, lang=lang)))


def labels_graph(folder: Path | None = None, excluding: Sequence[Graph] = ()) -> Graph:
    """The concepts of ``folder`` (default: the package's ``data/labels/``) as the named graph
    ``graph/labels``, less the triples already in ``excluding`` (the full ESCO or ROME graphs of
    a build given their exports: a statement in two named graphs would be answered twice by the
    queries, which read the union of the graphs)."""
    folder = resources.require(resources.LABELS) if folder is None else Path(folder)
    g = Graph(identifier=URIRef(iris.graph("labels")))

    def rows(name: str) -> Iterator[tuple[int, dict[str, str]]]:
        return read_table(folder / name, FILES[name])

    isco_scheme = URIRef(iris.isco_scheme())
    for line, r in rows("isco-groups.tsv"):
        code = r["code"]
        try:
            node = URIRef(iris.isco_group(code))
        except ValueError as exc:
            raise LabelsError(f"{folder / 'isco-groups.tsv'}:{line}: {exc}") from None
        g.add((node, RDF.type, SKOS.Concept))
        g.add((node, RDF.type, ESCO.ISCOGroup))
        g.add((node, SKOS.notation, Literal(code)))
        g.add((node, SKOS.inScheme, isco_scheme))
        _labels(g, node, r)
        if len(code) > 1:
            g.add((node, SKOS.broader, URIRef(iris.isco_group(code[:-1]))))
        else:
            g.add((node, SKOS.topConceptOf, isco_scheme))
    g.add((isco_scheme, DCTERMS.license, URIRef(ESCO_LICENSE)))
    g.add((isco_scheme, DCTERMS.rights, Literal(ESCO_ATTRIBUTION, lang="en")))
    for line, r in rows("esco-occupations.tsv"):
        node = URIRef(r["iri"])
        if not r["iri"].startswith(iris.ESCO_OCCUPATION) or not r["isco_group"].isdigit():
            where = f"{folder / 'esco-occupations.tsv'}:{line}"
            raise LabelsError(f"{where}: not an ESCO occupation with its ISCO-08 unit group")
        g.add((node, RDF.type, SKOS.Concept))
        g.add((node, RDF.type, ESCO.Occupation))
        g.add((node, SKOS.notation, Literal(r["code"])))
        g.add((node, SKOS.broader, URIRef(r["broader"])))
        g.add((node, SKOS.broaderTransitive, URIRef(iris.isco_group(r["isco_group"]))))
        _labels(g, node, r)
    for _, r in rows("esco-skills.tsv"):
        node = URIRef(r["iri"])
        g.add((node, RDF.type, SKOS.Concept))
        g.add((node, RDF.type, ESCO.Skill))
        _labels(g, node, r)
    rome_scheme = URIRef(iris.rome_scheme())
    for _, r in rows("rome-fiches.tsv"):
        node = URIRef(iris.rome(r["code"]))
        g.add((node, RDF.type, SKOS.Concept))
        g.add((node, RDF.type, NG.RomeOccupation))
        g.add((node, SKOS.inScheme, rome_scheme))
        g.add((node, SKOS.notation, Literal(r["code"])))
        _labels(g, node, r)
    onet_scheme = URIRef(iris.onet_scheme())
    g.add((onet_scheme, RDF.type, SKOS.ConceptScheme))
    g.add((onet_scheme, SKOS.prefLabel, Literal(ONET_TITLE, lang="en")))
    g.add((onet_scheme, DCTERMS.rights, Literal(ONET_RIGHTS, lang="en")))
    g.add((onet_scheme, RDFS.seeAlso, URIRef("https://www.onetcenter.org/taxonomy.html")))
    for line, r in rows("onet-occupations.tsv"):
        try:
            node = URIRef(iris.onet(r["code"]))
        except ValueError as exc:
            raise LabelsError(f"{folder / 'onet-occupations.tsv'}:{line}: {exc}") from None
        g.add((node, RDF.type, SKOS.Concept))
        g.add((node, SKOS.inScheme, onet_scheme))
        g.add((node, SKOS.notation, Literal(r["code"])))
        g.add((node, RDFS.seeAlso, URIRef(ONET_PAGE + r["code"])))
        _labels(g, node, r)
    for other in excluding:
        for triple in [t for t in g if t in other]:
            g.remove(triple)
    return g
