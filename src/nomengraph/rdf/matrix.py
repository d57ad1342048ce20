"""The job × competence matrix (the 2010 annex 1) → triples: one row per job with its printed
values, one cell per competence of the rows that align."""

from __future__ import annotations

from typing import Any

from nomengraph import iris
from nomengraph.rdf.catalogue import ecf_version_of, source_key
from nomengraph.rdf.terms import (
    Triple,
    applied_corrections,
    boolean,
    line_range,
    plain,
    tagged,
    uri,
)
from nomengraph.vocab import NG, PROV, RDF, RDFS


def convert_matrix(data: dict[str, Any]) -> list[Triple]:
    """Triples of a job × competence matrix (``matrix/cigref-2010-annex1.yaml``): one row per
    job with its printed values, and one cell per competence for the rows that align."""
    ed = data["edition"]
    version = (data.get("framework") or {}).get("version") or ecf_version_of(ed)
    prov = data.get("provenance") or {}
    doc = uri(iris.source_document(source_key(prov.get("source", ""), ed)))
    t: list[Triple] = []
    for row in data["rows"]:
        num = row["number"]
        node = uri(iris.matrix_row(ed, num))
        job = uri(iris.job(ed, num))
        t += [
            (node, RDF.type, NG.MatrixRow),
            (node, NG.job, job),
            (node, NG.matrixValues, plain(" ".join(row["values"]))),
            (node, NG.aligned, boolean(row["aligned"])),
            (node, PROV.wasDerivedFrom, doc),
            *line_range(node, row.get("lines")),
            *applied_corrections(node, row.get("corrections")),
        ]
        if row.get("note"):
            t.append((node, RDFS.comment, tagged(row["note"], "en")))
        for code, printed in sorted((row.get("levels") or {}).items()):
            cell = uri(iris.matrix_cell(ed, num, code))
            bounds = [int(x) for x in str(printed).replace("/", "-").split("-")]
            t += [
                (cell, RDF.type, NG.MatrixCell),
                (cell, NG.job, job),
                (cell, NG.competence, uri(iris.competence(version, code))),
                (cell, NG.minLevel, uri(iris.proficiency_level(min(bounds)))),
                (cell, NG.maxLevel, uri(iris.proficiency_level(max(bounds)))),
                (cell, NG.levelAsPrinted, plain(str(printed))),
            ]
    return t
