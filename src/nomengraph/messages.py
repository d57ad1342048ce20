"""Validation messages a person reads: things named as a person knows them, in one language.

An engine fills the ``{?var}`` of each ``sh:message`` of the shapes with IRIs and may drop the
messages' language tags. Each result's message is read back here: matched with the templates of
the shapes graph to recover the variables, then the template in the run's language is filled
with each value named as a person knows it: an e-CF competence by its code (``B.1``), a level as
``e-4``, a job as ``<edition>/<number> <title>``, an edition by its id, a vocabulary term by its
label. No message shows an IRI, a prefixed name or a regular expression
(``tests/test_messages.py`` checks every shape's invalid fixture, in both languages).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDFS, SH
from rdflib.term import Node

from nomengraph import iris
from nomengraph.texts import check_lang

JOB = re.compile(
    "^" + re.escape(iris.ID) + r"(?P<edition>[a-z0-9-]+)/job/(?P<number>[0-9]+(?:\.[0-9]+)*)"
    r"(?P<rest>/.*)?$"
)
MATRIX = re.compile(
    "^" + re.escape(iris.ID) + r"(?P<edition>[a-z0-9-]+)/matrix/(?P<number>[0-9]+(?:\.[0-9]+)*)"
    r"(?:/(?P<code>[A-E]\.[0-9]{1,2}))?$"
)
COMPETENCE = re.compile(
    "^" + re.escape(iris.ID) + r"ecf/(?P<version>[0-9]+\.[0-9]+)/competence/"
    r"(?P<code>[A-E]\.[0-9]{1,2})(?P<rest>/.*)?$"
)
LEVEL = re.compile("^" + re.escape(iris.ID) + r"ecf/level/e-(?P<n>[^/]+)$")
_FRAMEWORK = re.compile(
    "^" + re.escape(iris.ID) + r"ecf/(?P<version>[0-9]+\.[0-9]+)(?:/area/(?P<area>[^/]+))?$"
)
_FAMILY = re.compile("^" + re.escape(iris.ID) + r"(?P<edition>[a-z0-9-]+)/family/(?P<number>.+)$")
_SCHEME = re.compile("^" + re.escape(iris.ID) + r"scheme/(?P<edition>.+)$")
_SOURCE = re.compile("^" + re.escape(iris.ID) + r"source/(?P<edition>.+)$")
_VAR = re.compile(r"\{[?$](\w+)\}")

# The parts of a job's own IRIs (id/<edition>/job/<number>/<part>/<n>...), in words.
_PARTS: dict[str, tuple[str, str]] = {
    "activity": ("activity group", "groupe d'activités"),
    "task": ("task", "tâche"),
    "item": ("sub-item", "sous-élément"),
    "deliverable": ("deliverable", "livrable"),
    "indicator": ("indicator", "indicateur"),
    "career-path": ("career path", "parcours"),
    "source": ("source", "source"),
    "competence": ("requirement", "exigence"),
    "level": ("level", "niveau"),
}
_WORDS: dict[str, tuple[str, str]] = {
    "family": ("family {number} of {edition}", "famille {number} de {edition}"),
    "area": ("area {area} of e-CF {version}", "domaine {area} de l'e-CF {version}"),
    "source": ("the source of {edition}", "la source de {edition}"),
    "matrix": ("{edition}/{number} in the matrix", "{edition}/{number} dans la matrice"),
    "cell": (
        "{code} of {edition}/{number} in the matrix",
        "{code} de {edition}/{number} dans la matrice",
    ),
    "levels": ("the e-CF levels", "les niveaux de l'e-CF"),
    "dataset": ("the dataset", "le jeu de données"),
}

_REQUIREMENT_MESSAGES: dict[str, dict[str, str]] = {
    "RequirementFrameworkShape": {
        "en": "{code} of e-CF {version} is not in the e-CF framework of the job's edition "
        "(or the edition names no framework)",
        "fr": "{code} de l'e-CF {version} n'appartient pas au cadre e-CF de l'édition du métier "
        "(ou l'édition n'en désigne pas)",
    },
    "RequirementUnknownCompetenceShape": {
        "en": "{code} is not an e-CF {version} competence (code printed by the source)",
        "fr": "{code} n'est pas une compétence de l'e-CF {version} (code imprimé par la source)",
    },
    "OwnRequirementUnknownCompetenceShape": {
        "en": "{code} is not an e-CF {version} competence",
        "fr": "{code} n'est pas une compétence de l'e-CF {version}",
    },
    "RequirementAdmissibleLevelShape": {
        "en": "{code} at level {level}: e-CF {version} defines {code} at levels {levels} "
        "(level printed by the source)",
        "fr": "{code} au niveau {level} : l'e-CF {version} définit {code} aux niveaux {levels} "
        "(niveau imprimé par la source)",
    },
    "OwnRequirementAdmissibleLevelShape": {
        "en": "{code} at level {level}: e-CF {version} defines {code} at levels {levels}",
        "fr": "{code} au niveau {level} : l'e-CF {version} définit {code} aux niveaux {levels}",
    },
}
"""Messages of the requirement shapes, said with codes, versions and the levels the e-CF
defines (which a shape's message cannot list)."""


def levels_text(levels: Sequence[int]) -> str:
    """``1–3`` for consecutive levels, ``1, 3`` otherwise."""
    levels = sorted(levels)
    if len(levels) > 1 and levels == list(range(levels[0], levels[-1] + 1)):
        return f"{levels[0]}–{levels[-1]}"
    return ", ".join(map(str, levels))


class Namer:
    """Names the terms of the data as a person knows them, in one language.

    ``titles``: job IRI → title (shown after ``<edition>/<number>``); ``labels``: vocabulary
    term IRI → {language: label}; ``admissible``: competence IRI → the levels its e-CF defines."""

    def __init__(
        self,
        lang: str = "en",
        titles: dict[str, str] | None = None,
        labels: dict[str, dict[str, str]] | None = None,
        admissible: dict[str, list[int]] | None = None,
    ) -> None:
        self.lang = check_lang(lang)
        self.titles = titles or {}
        self.labels = labels or {}
        self.admissible = admissible or {}

    def _words(self, key: str, **values: str) -> str:
        en, fr = _WORDS[key]
        return (fr if self.lang == "fr" else en).format(**values)

    def job(self, m: re.Match[str]) -> str:
        iri = iris.ID + f"{m.group('edition')}/job/{m.group('number')}"
        title = self.titles.get(iri)
        name = f"{m.group('edition')}/{m.group('number')}"
        return f"{name} {title}" if title else name

    def __call__(self, value: Node | str | None) -> str:
        """``value`` named for a person: never an IRI nor a prefixed name."""
        if value is None:
            return ""
        if isinstance(value, Literal):
            return str(value)
        text = str(value)
        if isinstance(value, BNode) or not text.startswith(("http://", "https://", "urn:")):
            return text
        if text.startswith(iris.ID):
            return self._instance(text)
        label = self.labels.get(text, {})
        if label:
            return label.get(self.lang) or label.get("en") or next(iter(label.values()))
        return re.split(r"[#/]", text.rstrip("/#"))[-1]  # a term's local name (prefLabel)

    def _instance(self, text: str) -> str:
        m = COMPETENCE.match(text)
        if m:
            rest = (m.group("rest") or "").strip("/").split("/")
            if rest[0] == "level" and len(rest) == 2:
                level = "niveau" if self.lang == "fr" else "level"
                return f"{m.group('code')} {level} {rest[1]}"
            return " ".join([m.group("code"), *filter(None, rest)])
        m = LEVEL.match(text)
        if m:
            return f"e-{m.group('n')}"
        m = JOB.match(text)
        if m:
            parts = (m.group("rest") or "").strip("/").split("/")
            words = [self.job(m)]
            for i in range(0, len(parts), 2):
                if parts[i] in _PARTS:
                    en, fr = _PARTS[parts[i]]
                    number = parts[i + 1] if i + 1 < len(parts) else ""
                    words.append(f"{fr if self.lang == 'fr' else en} {number}".strip())
            return ", ".join(words)
        m = MATRIX.match(text)
        if m:
            key = "cell" if m.group("code") else "matrix"
            return self._words(key, **{k: v or "" for k, v in m.groupdict().items()})
        m = _FRAMEWORK.match(text)
        if m:
            if m.group("area"):
                return self._words("area", area=m.group("area"), version=m.group("version"))
            return f"e-CF {m.group('version')}"
        for pattern, key in ((_FAMILY, "family"), (_SOURCE, "source")):
            m = pattern.match(text)
            if m:
                return self._words(key, **m.groupdict())
        m = _SCHEME.match(text)
        if m:
            return m.group("edition")
        if text == iris.proficiency_scheme():
            return self._words("levels")
        if text == iris.dataset():
            return self._words("dataset")
        return text.removeprefix(iris.ID)  # another of the project's terms, by its key


def _template_regex(template: str) -> re.Pattern[str]:
    """A regular expression matching the messages an engine makes from ``template``, capturing
    each ``{?var}`` by name."""
    out, pos, seen = "", 0, set()
    for m in _VAR.finditer(template):
        out += re.escape(template[pos : m.start()])
        name = m.group(1)
        out += f"(?P={name})" if name in seen else f"(?P<{name}>.+?)"
        seen.add(name)
        pos = m.end()
    return re.compile("^" + out + re.escape(template[pos:]) + "$", re.S)


def named_shape(shapes: Graph, shape: Node) -> Node:
    """A blank property shape reports as the named shape it hangs from."""
    seen = set()
    while isinstance(shape, BNode) and shape not in seen:
        seen.add(shape)
        parent = next(shapes.subjects(SH.property, shape), None)
        if parent is None:
            break
        shape = parent
    return shape


def templates(shapes: Graph, *parts: Node | None) -> list[Literal]:
    """The ``sh:message`` templates of a result's constraint, source shape and named shape, the
    most specific first."""
    found: list[Literal] = []
    for part in parts:
        if part is not None:
            found += [t for t in shapes.objects(part, SH.message) if isinstance(t, Literal)]
    return found


def _requirement_message(shape: Node, values: dict[str, str], namer: Namer) -> str | None:
    forms = _REQUIREMENT_MESSAGES.get(str(shape).rsplit("/", 1)[-1])
    competence = values.get("competence") or values.get("value") or ""
    m = COMPETENCE.match(competence)
    if forms is None or not m:
        return None
    level = LEVEL.match(values.get("value", ""))
    levels = namer.admissible.get(competence, [])
    text = forms[namer.lang].format(
        code=m.group("code"),
        version=m.group("version"),
        level=level.group("n") if level else "",
        levels=levels_text(levels) if levels else "—",
    )
    return text


def message(results: Graph, node: Node, shapes: Graph, namer: Namer) -> str:
    """The message of the validation result ``node`` in the namer's language, its values named
    as a person knows them."""
    constraint = results.value(node, SH.sourceConstraint)
    shape = results.value(node, SH.sourceShape)
    named = named_shape(shapes, shape)
    forms = templates(shapes, constraint, shape, named)
    values: dict[str, str] = {}
    for made in results.objects(node, SH.resultMessage):
        for form in forms:
            found = _template_regex(str(form)).match(str(made))
            if found:
                values = found.groupdict()
                break
        if values:
            break
    focus = results.value(node, SH.focusNode)
    value = results.value(node, SH.value)
    values.setdefault("this", str(focus) if focus is not None else "")
    if value is not None:
        values.setdefault("value", str(value))
    special = _requirement_message(named, values, namer)
    if special is not None:
        return special
    for form in forms:
        if form.language == namer.lang:
            return _VAR.sub(lambda v: namer(values.get(v.group(1), "")), str(form))
    # Every shape has its messages in every language (tests/test_messages.py): a shape without
    # any is named by its name.
    return namer(shapes.value(named, SH.name)) or namer(named)


def vocabulary_labels(ontology: Graph) -> dict[str, dict[str, str]]:
    """The labels of the vocabulary's terms, by language."""
    labels: dict[str, dict[str, str]] = {}
    for term, label in ontology.subject_objects(RDFS.label):
        if isinstance(term, URIRef) and isinstance(label, Literal):
            labels.setdefault(str(term), {})[label.language or "en"] = str(label)
    return labels
