"""The ROME import: France Travail's ROME 4.0 CSV files into the named graph ``graph/rome``.

The files ``unix_<name>_v460_utf8.csv`` become SKOS concepts: grands domaines → domaines
professionnels → fiches → appellations, with the fiches' definitions and access conditions.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from nomengraph import iris
from nomengraph.vocab import DCTERMS, NG, OWL, PROV, RDF, SKOS
from nomengraph.vocabularies.graph import Builder, ImportReport
from nomengraph.vocabularies.tables import Row, VocabularyError, dedup, read_table

__all__ = ["ROME_ATTRIBUTION", "ROME_FILE", "ROME_LICENSE", "ROME_TITLE", "import_rome"]

ROME_LICENSE = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
ROME_ATTRIBUTION = "© France Travail, Licence Ouverte / Etalab 2.0."

ROME_FILE = re.compile(r"^unix_(?P<name>[a-z_]+?)_v(?P<version>\d+)_utf8\.csv$")
_ROME_FILES = {  # name → (required?, required columns)
    "referentiel_code_rome": (True, ("code_rome", "libelle_rome")),
    "referentiel_appellation": (True, ("code_ogr", "libelle_appellation_long", "code_rome")),
    "cr_gd_dp": (
        True,
        ("code_rome", "code_grand_domaine", "code_domaine_professionel"),
    ),
    "grand_domaine": (False, ("code_grand_domaine", "libelle_grand_domaine")),
    "domaine_professionnel": (
        False,
        ("code_domaine_professionnel", "libelle_domaine_professionnel"),
    ),
    "texte": (False, ("code_rome", "libelle_type_texte", "position_phrase", "libelle_texte")),
}
ROME_TITLE = "Répertoire opérationnel des métiers et des emplois (ROME)"


def _rome_iri(maker: Callable[[str], str], code: str, row: Row, path: Path, column: str) -> URIRef:
    try:
        return URIRef(maker(code))
    except ValueError as exc:
        raise VocabularyError(f"{row.where(path, column)}: {exc}") from None


def import_rome(folder: Path, version: str | None = None) -> tuple[Graph, ImportReport]:
    """Import a folder of ROME 4.0 CSV files (``unix_<name>_v460_utf8.csv``) into the graph
    ``graph/rome``. ``version`` (``"460"``) defaults to the one in the file names."""
    started = time.perf_counter()
    folder = Path(folder)
    if not folder.is_dir():
        raise VocabularyError(f"{folder}: no such folder")
    found: dict[str, dict[str, Path]] = defaultdict(dict)
    for path in sorted(folder.iterdir()):
        m = ROME_FILE.match(path.name)
        if path.is_file() and m:
            found[m["version"]][m["name"]] = path
    wanted = (version or "").removeprefix("v")
    if not wanted:
        if len(found) > 1:
            raise VocabularyError(
                f"{folder}: files of several ROME versions ({', '.join(sorted(found))}); "
                "give the version to import"
            )
        wanted = next(iter(found), "")
    files = found.get(wanted, {})
    missing = [n for n, (req, _) in _ROME_FILES.items() if req and n not in files]
    if missing:
        raise VocabularyError(
            f"{folder}: required ROME file(s) missing: "
            + ", ".join(f"unix_{n}_v{wanted or '<version>'}_utf8.csv" for n in missing)
        )
    report = ImportReport("ROME", f"v{wanted}", str(folder), iris.graph("rome"))
    report.missing_optional = [
        f"unix_{n}_v{wanted}_utf8.csv"
        for n, (req, _) in _ROME_FILES.items()
        if not req and n not in files
    ]
    report.not_imported = [p.name for n, p in sorted(files.items()) if n not in _ROME_FILES]
    b = Builder(report.notes)
    tables: dict[str, tuple[Path, list[Row]]] = {}
    for name, (_, required) in _ROME_FILES.items():
        if name in files:
            _, rows = read_table(files[name], required)
            tables[name] = (files[name], rows)
            report.files.append(files[name].name)

    scheme = URIRef(iris.rome_scheme())
    doc = URIRef(iris.source_document("rome"))
    for p, o in (
        (RDF.type, SKOS.ConceptScheme),
        (SKOS.prefLabel, Literal(ROME_TITLE, lang="fr")),
        (OWL.versionInfo, Literal(f"v{wanted}")),
        (PROV.wasDerivedFrom, doc),
    ):
        b.add(scheme, p, o)
    for p, o in (
        (RDF.type, PROV.Entity),
        (DCTERMS.title, Literal(f"ROME 4.0 v{wanted}, fichiers CSV de France Travail", lang="fr")),
        (DCTERMS.publisher, Literal("France Travail")),
        (DCTERMS.rights, Literal(ROME_ATTRIBUTION, lang="fr")),
        (DCTERMS.license, URIRef(ROME_LICENSE)),
        (OWL.versionInfo, Literal(f"v{wanted}")),
    ):
        b.add(doc, p, o)

    def concept(uri: URIRef, cls: URIRef, code: str, label: str, where: str) -> None:
        b.add(uri, RDF.type, SKOS.Concept)
        b.add(uri, RDF.type, cls)
        b.add(uri, SKOS.inScheme, scheme)
        b.add(uri, SKOS.notation, Literal(code))
        b.pref_label(uri, label, "fr", where)

    # hierarchy: grand domaine → domaine professionnel → fiche
    domain_labels: dict[str, tuple[str, str]] = {}
    for name, code_col, label_col in (
        ("grand_domaine", "code_grand_domaine", "libelle_grand_domaine"),
        ("domaine_professionnel", "code_domaine_professionnel", "libelle_domaine_professionnel"),
    ):
        if name in tables:
            path, rows = tables[name]
            for row in dedup(path, rows, code_col, None, report.notes):
                domain_labels[row.values[code_col]] = (row.values[label_col], row.where(path))
    path, rows = tables["cr_gd_dp"]
    fiche_domain: dict[str, str] = {}
    domains: set[str] = set()
    for row in dedup(path, rows, "code_rome", None, report.notes):
        gd, dp = row.values["code_grand_domaine"], row.values["code_domaine_professionel"]
        gd_iri = _rome_iri(iris.rome_domain, gd, row, path, "code_grand_domaine")
        dp_iri = _rome_iri(iris.rome_domain, dp, row, path, "code_domaine_professionel")
        if not dp.startswith(gd):
            raise VocabularyError(
                f"{row.where(path, 'code_domaine_professionel')}: domain {dp} is not in "
                f"grand domaine {gd}"
            )
        for code, column in ((gd, "libelle_grand_domaine"), (dp, "libelle_domaine_professionel")):
            if code not in domain_labels and row.values.get(column):
                domain_labels[code] = (row.values[column], row.where(path))
        domains |= {gd, dp}
        b.add(dp_iri, SKOS.broader, gd_iri)
        fiche_domain[row.values["code_rome"]] = dp
    for code in sorted(domains):
        label, where = domain_labels.get(code, ("", ""))
        uri = URIRef(iris.rome_domain(code))
        cls = NG.RomeGrandDomain if len(code) == 1 else NG.RomeProfessionalDomain
        concept(uri, cls, code, label, where)
        if len(code) == 1:
            b.add(uri, SKOS.topConceptOf, scheme)
            b.add(scheme, SKOS.hasTopConcept, uri)

    # fiches
    path, rows = tables["referentiel_code_rome"]
    fiches: dict[str, URIRef] = {}
    parents: list[tuple[URIRef, str, Row]] = []
    for row in dedup(path, rows, "code_rome", None, report.notes):
        code = row.values["code_rome"]
        uri = _rome_iri(iris.rome, code, row, path, "code_rome")
        fiches[code] = uri
        concept(uri, NG.RomeOccupation, code, row.values["libelle_rome"], row.where(path))
        dp = fiche_domain.get(code) or code[:3]
        if code not in fiche_domain:
            report.notes.append(f"{row.where(path)}: {code} not in cr_gd_dp; domain {dp} assumed")
        b.add(uri, SKOS.broader, URIRef(iris.rome_domain(dp)))
        parent = row.values.get("code_rome_parent", "")
        if parent and parent != code:
            parents.append((uri, parent, row))
    for uri, parent, row in parents:
        if parent not in fiches:
            raise VocabularyError(
                f"{row.where(path, 'code_rome_parent')}: parent fiche {parent} is not in the file"
            )
        b.add(uri, NG.romeParent, fiches[parent])
    missing_fiches = sorted(set(fiche_domain) - set(fiches))
    if missing_fiches:
        report.notes.append(
            f"cr_gd_dp: {len(missing_fiches)} code(s) not in referentiel_code_rome, "
            f"not imported: {', '.join(missing_fiches[:10])}"
        )

    # appellations: concepts narrower than their fiche, and labels of the fiche
    path, rows = tables["referentiel_appellation"]
    appellations = 0
    for row in dedup(path, rows, "code_ogr", None, report.notes):
        code, rome_code = row.values["code_ogr"], row.values["code_rome"]
        uri = _rome_iri(iris.rome_appellation, code, row, path, "code_ogr")
        fiche = fiches.get(rome_code)
        if fiche is None:
            raise VocabularyError(
                f"{row.where(path, 'code_rome')}: fiche {rome_code!r} is not in "
                "referentiel_code_rome"
            )
        long_label = row.values["libelle_appellation_long"]
        concept(uri, NG.RomeJobTitle, code, long_label, row.where(path))
        short = row.values.get("libelle_appellation_court", "")
        if short and short != long_label:
            b.add(uri, SKOS.altLabel, Literal(short, lang="fr"))
        b.add(uri, SKOS.broader, fiche)
        if long_label and long_label != row.values.get("libelle_rome"):
            rare = row.values.get("peu_usite", "").upper() == "O"
            b.add(
                fiche, SKOS.hiddenLabel if rare else SKOS.altLabel, Literal(long_label, lang="fr")
            )
        appellations += 1

    # texts: definition and access conditions, sentence by sentence
    definitions = 0
    if "texte" in tables:
        path, rows = tables["texte"]
        parts: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
        for row in rows:
            try:
                position = int(row.values["position_phrase"] or 0)
            except ValueError:
                raise VocabularyError(
                    f"{row.where(path, 'position_phrase')}: not a number: "
                    f"{row.values['position_phrase']!r}"
                ) from None
            text = row.values["libelle_texte"].replace("''", "'")  # SQL-escaped quotes
            parts[(row.values["code_rome"], row.values["libelle_type_texte"])].append(
                (position, text)
            )
        props = {"definition": SKOS.definition, "acces_metier": SKOS.note}
        for (code, kind), sentences in sorted(parts.items()):
            prop = props.get(kind)
            if prop is None or code not in fiches:
                continue
            text = "\n".join(t for _, t in sorted(sentences))
            b.add(fiches[code], prop, Literal(text, lang="fr"))
            definitions += kind == "definition"

    graph = b.graph("rome")
    report.counts = {
        "grand domaines": sum(1 for d in domains if len(d) == 1),
        "domaines professionnels": sum(1 for d in domains if len(d) == 3),
        "fiches": len(fiches),
        "appellations": appellations,
        "definitions": definitions,
        "fiches with a parent fiche": len(parents),
        "altLabel@fr": sum(1 for _ in graph.triples((None, SKOS.altLabel, None))),
        "hiddenLabel@fr": sum(1 for _ in graph.triples((None, SKOS.hiddenLabel, None))),
    }
    report.triples = len(graph)
    report.seconds = time.perf_counter() - started
    return graph, report
