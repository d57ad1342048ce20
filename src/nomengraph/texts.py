"""The fixed texts of ``validate``, ``build`` and ``check``, in each language of a run.

One run speaks one language (``--lang`` or ``NOMENGRAPH_LANG``; English by default): the table
of a report, its severities and summary, and every card-format problem. The messages of the
shapes are read from the shapes themselves (:mod:`nomengraph.messages`); every text the program
writes itself is here, in English and in French, as ``str.format`` templates (``{value!r}``
quotes a value as the card file holds it, the same in both languages).

A problem is made once, said in every language (:func:`both`), and shown in the run's language:
a card is loaded long before anyone asks in which language to report it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

LANGUAGES = ("en", "fr")
"""The languages of a run's output; English by default."""

Words = Mapping[str, str]
"""A text in each language: language → text."""

TEXTS: dict[str, tuple[str, str]] = {
    # The report: table, severities, summary.
    "header.severity": ("severity", "gravité"),
    "header.where": ("card/entity", "carte/entité"),
    "header.field": ("field", "champ"),
    "header.message": ("message", "message"),
    "severity.Error": ("Error", "Erreur"),
    "severity.Violation": ("Violation", "Non-conformité"),
    "severity.Warning": ("Warning", "Avertissement"),
    "severity.Info": ("Info", "Remarque"),
    "count.Error": ("{n} card format error(s)", "{n} erreur(s) de format des cartes"),
    "count.Violation": ("{n} violation(s)", "{n} non-conformité(s)"),
    "count.Warning": ("{n} warning(s)", "{n} avertissement(s)"),
    "count.Info": ("{n} info(s)", "{n} remarque(s)"),
    "verdict.conforms": ("{counts}: the data conforms", "{counts} : les données sont conformes"),
    "verdict.fails": (
        "{counts}: the data does not conform",
        "{counts} : les données ne sont pas conformes",
    ),
    "hidden": (
        "{n} warning(s) and info(s) of the reference nomenclatures not shown "
        "(`nomengraph validate` lists them)",
        "{n} avertissement(s) et remarque(s) des nomenclatures de référence non affichés "
        "(`nomengraph validate` les liste)",
    ),
    "result": ("{severity}: {message}", "{severity} : {message}"),
    "took": ("validation took {seconds} s", "la validation a pris {seconds} s"),
    "error": ("nomengraph: error: {message}", "nomengraph : erreur : {message}"),
    "and": ("{first} and {second}", "{first} et {second}"),
    # nomengraph build, stopped by the data.
    "build.stopped": (
        "build stopped: the data has {found}; {kept}.",
        "construction arrêtée : les données ont {found} ; {kept}.",
    ),
    "build.kept.store": (
        "the previous store at {store} was left as it was",
        "le magasin précédent, {store}, est resté tel quel",
    ),
    "build.kept.none": (
        "no store was written at {store}",
        "aucun magasin n'a été écrit dans {store}",
    ),
    "build.kept.remote": (
        "the graphs served by {url} were left as they were",
        "les graphes servis par {url} sont restés tels quels",
    ),
    # nomengraph build, as it goes.
    "build.reading": (
        "convert and validate: cards from {folders}",
        "conversion et validation : cartes de {folders}",
    ),
    "build.mappings": (
        "link: {n} triples from the SSSOM files of {folder}",
        "liens : {n} triplets des fichiers SSSOM de {folder}",
    ),
    "build.import": (
        "import: {vocabulary} {version}: {n} triples",
        "import : {vocabulary} {version} : {n} triplets",
    ),
    "build.labels": (
        "labels: {n} triples naming the linked concepts",
        "libellés : {n} triplets qui nomment les concepts liés",
    ),
    "build.exported": (
        "export: Turtle, N-Triples, N-Quads and JSON-LD in {folder}",
        "export : Turtle, N-Triples, N-Quads et JSON-LD dans {folder}",
    ),
    "build.remote-silent": (
        "the remote store does not answer: {detail}",
        "le magasin distant ne répond pas : {detail}",
    ),
    "build.unwritable": (
        "cannot write the store: {detail}",
        "impossible d'écrire le magasin : {detail}",
    ),
    "build.exports-unwritable": (
        "cannot write the exports: {detail}",
        "impossible d'écrire les exports : {detail}",
    ),
    "build.exports-failed": (
        "the store was built at {store}, but the exports could not be written: {detail}",
        "le magasin a été construit dans {store}, mais les exports n'ont pu être écrits : {detail}",
    ),
    # nomengraph build, done.
    "built.store": ("store built at {store}", "magasin construit dans {store}"),
    "built.remote": (
        "graphs replaced on the remote store {url}",
        "graphes remplacés sur le magasin distant {url}",
    ),
    "built.graph": ("  {graph}: {n} triples", "  {graph} : {n} triplets"),
    "built.total": ("  total: {n} triples", "  total : {n} triplets"),
    "built.conforms": (
        "validation: conforms ({counts}: source faults recorded as printed; "
        "`nomengraph validate` lists them)",
        "validation : conformes ({counts} : fautes des sources consignées telles qu'imprimées ; "
        "`nomengraph validate` les liste)",
    ),
    "built.timings": ("timings: {stages}", "durées : {stages}"),
    "stage.convert": ("convert", "conversion"),
    "stage.validate": ("validate", "validation"),
    "stage.link": ("link", "liens"),
    "stage.load": ("load", "chargement"),
    "stage.export": ("export", "exportation"),
    # The store, as a build or a load writes it.
    "store.waiting": (
        "store: waiting for another build of {path} to finish",
        "magasin : attente de la fin d'une autre construction de {path}",
    ),
    "store.restored": (
        "store: {path} was missing (a build was killed); restored the previous generation",
        "magasin : {path} manquait (une construction a été tuée) ; la génération précédente "
        "est rétablie",
    ),
    "store.restored-from": (
        "store: {path} was missing (a build was killed); restored it from {spare}",
        "magasin : {path} manquait (une construction a été tuée) ; rétabli à partir de {spare}",
    ),
    "store.cleanup": (
        "cleanup: removed {n} leftover(s) of an interrupted build: {names}",
        "nettoyage : {n} reste(s) d'une construction interrompue supprimé(s) : {names}",
    ),
    "store.old-layout": (
        "store: {path} was a store folder of the old layout; it is now generation {generation} "
        "(restart servers started before this build)",
        "magasin : {path} était un dossier de magasin de l'ancienne disposition ; c'est "
        "désormais la génération {generation} (redémarrez les serveurs lancés avant cette "
        "construction)",
    ),
    "store.removed-old": (
        "store: removed older generation(s) {names}",
        "magasin : génération(s) plus ancienne(s) supprimée(s) : {names}",
    ),
    "store.loading-bytes": (
        "load: {n} bytes of N-Quads into generation {generation}",
        "chargement : {n} octets de N-Quads dans la génération {generation}",
    ),
    "store.loading": (
        "load: quads into generation {generation}",
        "chargement : quadruplets dans la génération {generation}",
    ),
    "store.ready": (
        "load: store ready at {path} (generation {generation})",
        "chargement : magasin prêt dans {path} (génération {generation})",
    ),
    "remote.staging": (
        "load: {graph} into staging graph {staging}",
        "chargement : {graph} dans le graphe d'attente {staging}",
    ),
    "remote.replaced": (
        "load: {n} graph(s) replaced on {url}",
        "chargement : {n} graphe(s) remplacé(s) sur {url}",
    ),
    "remote.dropping": (
        "load: dropping {n} staging graph(s) left by an interrupted push: {names}",
        "chargement : suppression de {n} graphe(s) d'attente laissé(s) par un envoi "
        "interrompu : {names}",
    ),
    "convert.cards": ("convert: {n} cards", "conversion : {n} cartes"),
    "export.stale": (
        "export: removed {n} temporary file(s) of an interrupted export in {folder}",
        "export : {n} fichier(s) temporaire(s) d'un export interrompu supprimé(s) dans {folder}",
    ),
    # Errors of a command's own options and settings.
    "validate.format": ("unknown format {value!r} ({known})", "format inconnu {value!r} ({known})"),
    "validate.engine": ("unknown engine {value!r} ({known})", "moteur inconnu {value!r} ({known})"),
    "validate.no-cards": ("{folder}: no cards folder", "{folder} : pas de dossier de cartes"),
    "setting.variable": (
        "bad setting {name}={value!r}: {reason}",
        "réglage incorrect {name}={value!r} : {reason}",
    ),
    "setting.flag": (
        "bad value for {flag}: {value!r}: {reason}",
        "valeur incorrecte pour {flag} : {value!r} : {reason}",
    ),
    "interrupted": ("interrupted", "interrompu"),
    # nomengraph check.
    "check.problems": ("{n} problem(s)", "{n} problème(s)"),
    "check.conform": (
        "{n} card(s) conform to the card format",
        "{n} carte(s) conformes au format des cartes",
    ),
    "check.missing": ("{path}: no such file or folder", "{path} : ni fichier ni dossier"),
    "check.empty": ("{path}: no card files (*.yaml)", "{path} : aucune carte (*.yaml)"),
    # Folders.
    "folder.missing": ("{folder}: no such folder", "{folder} : ce dossier n'existe pas"),
    "folder.no-edition": (
        "{folder}: no {file} (docs/card-format.md: an organisation's edition)",
        "{folder} : pas de fichier {file} (docs/card-format.md : l'édition d'une organisation)",
    ),
    "folder.is-edition": (
        "{cards} is an organisation's edition (it has an {file}): {command} it next to the "
        "reference nomenclatures with `nomengraph {command} {cards}`",
        "{cards} est l'édition d'une organisation (elle a un {file}) : donnez-la à "
        "`nomengraph {command} {cards}`, à côté des nomenclatures de référence",
    ),
    "edition.none-here": (
        "no {file} here: an edition folder names its id, title and e-CF version",
        "pas de fichier {file} ici : le dossier d'une édition en donne l'id, le titre et la "
        "version de l'e-CF",
    ),
    "edition.taken": (
        "edition {edition!r} is already built from another folder",
        "l'édition {edition!r} est déjà construite à partir d'un autre dossier",
    ),
    "edition.framework": (
        "e-CF {version} is not among the frameworks built ({known})",
        "l'e-CF {version} n'est pas parmi les cadres construits ({known})",
    ),
    # Reading a file. The parser's and the system's own detail (``{detail}``) is given as they
    # say it, in English, after a lead-in in the run's language.
    "file.not-utf8": ("not UTF-8 text: {detail}", "pas du texte UTF-8 : {detail}"),
    "file.unreadable": ("cannot read: {detail}", "illisible : {detail}"),
    "yaml.syntax": ("YAML syntax: {detail}", "syntaxe YAML : {detail}"),
    "yaml.not-one": (
        "YAML syntax: not a single YAML document",
        "syntaxe YAML : pas un document YAML unique",
    ),
    # The card format: rules the schemas say (each names the field and the value).
    "schema.unknown-close": (
        "unknown field {key!r}; did you mean {close!r}?",
        "champ inconnu {key!r} ; vouliez-vous dire {close!r} ?",
    ),
    "schema.unknown": (
        "unknown field {key!r} (known: {known})",
        "champ inconnu {key!r} (champs connus : {known})",
    ),
    "schema.required": ("the field {key!r} is required", "le champ {key!r} est obligatoire"),
    "schema.type": ("{name} {value}: must be {what}", "{name} {value} : doit être {what}"),
    "schema.enum": (
        "{name} {value}: must be one of {choices}",
        "{name} {value} : doit être l'une des valeurs {choices}",
    ),
    "schema.const": (
        "{name} {value}: must be {expected}",
        "{name} {value} : doit valoir {expected}",
    ),
    "schema.minimum": (
        "{name} {value}: must be {limit} or more",
        "{name} {value} : doit valoir au moins {limit}",
    ),
    "schema.maximum": (
        "{name} {value}: must be {limit} or less",
        "{name} {value} : doit valoir au plus {limit}",
    ),
    "schema.exclusiveMinimum": (
        "{name} {value}: must be more than {limit}",
        "{name} {value} : doit valoir plus de {limit}",
    ),
    "schema.exclusiveMaximum": (
        "{name} {value}: must be less than {limit}",
        "{name} {value} : doit valoir moins de {limit}",
    ),
    "schema.empty-text": ("{name} {value}: may not be empty", "{name} {value} : ne peut être vide"),
    "schema.minLength": (
        "{name} {value}: must have {limit} characters or more",
        "{name} {value} : doit avoir au moins {limit} caractères",
    ),
    "schema.maxLength": (
        "{name} {value}: must have {limit} characters or fewer",
        "{name} {value} : doit avoir au plus {limit} caractères",
    ),
    "schema.empty-list": (
        "{name}: the list may not be empty",
        "{name} : la liste ne peut être vide",
    ),
    "schema.minItems": (
        "{name} ({count} item(s)): must have {limit} items or more",
        "{name} ({count} élément(s)) : doit avoir au moins {limit} éléments",
    ),
    "schema.maxItems": (
        "{name} ({count} item(s)): must have {limit} items or fewer",
        "{name} ({count} élément(s)) : doit avoir au plus {limit} éléments",
    ),
    "schema.uniqueItems": (
        "{name}: an item is listed twice",
        "{name} : un élément y figure deux fois",
    ),
    "schema.empty-mapping": (
        "{name}: give at least one field",
        "{name} : donnez au moins un champ",
    ),
    "schema.pattern": ("{name} {value}: {meaning}", "{name} {value} : {meaning}"),
    "schema.other": (
        "{name} {value}: not in the form the card format asks for",
        "{name} {value} : n'a pas la forme que demande le format des cartes",
    ),
    "schema.the-file": ("the file", "le fichier"),
    # The types of the schemas, as a person says them.
    "type.string": ("a text", "un texte"),
    "type.integer": ("a whole number", "un nombre entier"),
    "type.number": ("a number", "un nombre"),
    "type.boolean": ("true or false", "true ou false"),
    "type.array": ("a list", "une liste"),
    "type.object": ("a set of fields (field: value)", "un ensemble de champs (champ: valeur)"),
    "type.null": ("empty (null)", "vide (null)"),
    "or": (" or ", " ou "),
    # What each pattern of the schemas asks for: a message names no regular expression.
    "pattern.level": (
        "a level is 1 to 5, or a range such as 2-4",
        "un niveau va de 1 à 5, ou est un intervalle comme 2-4",
    ),
    "pattern.code": (
        "an e-CF code is a letter A to E, a dot and a number (B.1, E.10)",
        "un code e-CF est une lettre de A à E, un point et un nombre (B.1, E.10)",
    ),
    "pattern.area": (
        "an e-CF area is a letter A to E",
        "un domaine de l'e-CF est une lettre de A à E",
    ),
    "pattern.id": (
        "an id is the edition, a hyphen and the job number (acme-1.2)",
        "un id est l'édition, un tiret et le numéro du métier (acme-1.2)",
    ),
    "pattern.edition": (
        "an edition is a lower-case key: letters, digits and hyphens (acme, acme-2025)",
        "une édition est une clé en minuscules : lettres, chiffres et tirets (acme, acme-2025)",
    ),
    "pattern.edition-id": (
        "an edition id is a lower-case key: letters, digits and hyphens (acme, acme-2025)",
        "l'id d'une édition est une clé en minuscules : lettres, chiffres et tirets "
        "(acme, acme-2025)",
    ),
    "pattern.number": (
        "a job number is numbers separated by dots (2, 2.6, 2.6.1)",
        "un numéro de métier est fait de nombres séparés par des points (2, 2.6, 2.6.1)",
    ),
    "pattern.family": (
        "a family number is a whole number (2)",
        "un numéro de famille est un nombre entier (2)",
    ),
    "pattern.version": (
        "a version is two numbers and a dot (3.0)",
        "une version est faite de deux nombres et d'un point (3.0)",
    ),
    "pattern.ksa": (
        "a knowledge or skill id is K or S and a number (K1, S4)",
        "l'id d'un savoir ou d'un savoir-faire est K ou S et un nombre (K1, S4)",
    ),
    "pattern.text": (
        "a text neither starts nor ends with a space",
        "un texte ne commence ni ne finit par une espace",
    ),
    "pattern.language": (
        "a language is a tag such as fr, en or fr-CA",
        "une langue est une étiquette comme fr, en ou fr-CA",
    ),
    "pattern.unknown": ("not in the expected form", "n'a pas la forme attendue"),
    # The rules the schemas cannot say.
    "card.id": (
        "id {value!r}: must be {expected!r} (the edition, a hyphen and the number)",
        "id {value!r} : doit être {expected!r} (l'édition, un tiret et le numéro)",
    ),
    "card.levels-order": (
        "level_min {low} is above level_max {high}",
        "level_min {low} est au-dessus de level_max {high}",
    ),
    "card.printed-level": (
        "printed level {level!r} does not match level_min/level_max {low}/{high}",
        "le niveau imprimé {level!r} ne correspond pas à level_min/level_max {low}/{high}",
    ),
    "card.twice": (
        "competence {code} is listed twice (also at competences[{index}])",
        "la compétence {code} figure deux fois (aussi en competences[{index}])",
    ),
    "card.lines": (
        "lines {first}–{last}: start after end",
        "lines {first}–{last} : le début est après la fin",
    ),
    "card.other-edition": (
        "{edition!r}: the cards of this folder are of edition {expected!r} (its {file})",
        "{edition!r} : les cartes de ce dossier sont de l'édition {expected!r} (selon son {file})",
    ),
    "card.duplicate-id": (
        "duplicate id {id!r} (also {other})",
        "id {id!r} en double (aussi dans {other})",
    ),
}
"""Each text's English and French template, by key."""


def check_lang(lang: str) -> str:
    """``lang`` when it is one of :data:`LANGUAGES`; a ValueError naming it otherwise."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r} ({' or '.join(LANGUAGES)})")
    return lang


def say(key: str, lang: str = "en", /, **values: Any) -> str:
    """The text ``key`` in ``lang``, filled with ``values``; a value given in every language
    (:data:`Words`, as :func:`both` makes) is filled in ``lang``."""
    en, fr = TEXTS[key]
    filled = {k: v[lang] if isinstance(v, Mapping) else v for k, v in values.items()}
    return (fr if check_lang(lang) == "fr" else en).format(**filled)


def both(key: str, /, **values: Any) -> dict[str, str]:
    """The text ``key`` in every language."""
    return {lang: say(key, lang, **values) for lang in LANGUAGES}


def listed(texts: Sequence[str], lang: str = "en", key: str = "and") -> str:
    """Texts joined as ``lang`` says a list: ``a, b and c`` (``key="or"``: ``a or b``)."""
    if key == "or":
        return say("or", lang).join(texts)
    if len(texts) > 1:
        return say("and", lang, first=", ".join(texts[:-1]), second=texts[-1])
    return "".join(texts)


def joined(words: Sequence[Words], key: str = "and") -> dict[str, str]:
    """Texts given in every language, joined in every language (:func:`listed`)."""
    return {lang: listed([w[lang] for w in words], lang, key) for lang in LANGUAGES}


def decimal(value: float, lang: str = "en") -> str:
    """A number with one decimal, written as ``lang`` writes it (``11.4``, ``11,4``)."""
    text = f"{value:.1f}"
    return text.replace(".", ",") if lang == "fr" else text


def whole(n: int) -> dict[str, str]:
    """A whole number as each language writes it: ``39,501``, ``39 501`` (a narrow no-break
    space groups the thousands in French)."""
    return {"en": f"{n:,}", "fr": f"{n:,}".replace(",", "\u202f")}


class Said(str):
    """A text said in every language (:func:`both`) where the language is not known yet: a
    progress message of the store or the converter, which a build shows in its run's language
    (:func:`shown`). As a ``str`` it is its English, so whoever shows it without asking for a
    language shows what it always did."""

    words: dict[str, str]

    def __new__(cls, key: str, /, **values: Any) -> Said:
        words = both(key, **values)
        text = super().__new__(cls, words["en"])
        text.words = words
        return text


def shown(text: str, lang: str = "en") -> str:
    """``text`` in ``lang`` when it is :class:`Said` in every language, as it is otherwise."""
    return text.words[check_lang(lang)] if isinstance(text, Said) else text
