"""The lexicon that arbitrates the ambiguous characters: word frequencies from the clean part
of the text being repaired, and common French words."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from nomengraph.repair.tables import AMBIGUOUS, _words, decode_strong, is_garbled, tokenize

# --------------------------------------------------------------------------
# Lexicon
# --------------------------------------------------------------------------


#: Common French words (and a few domain words/acronyms) known even when the
#: text to repair is too short to teach its own lexicon (count 1 each).
SEED_WORDS: frozenset[str] = frozenset(
    """
    à afin ainsi alors après au aupres auprès aussi autour aux avant avec avoir bien car ce ceci
    cela celle celles celui ces cet cette chaque chez comme comment contre d dans de depuis des
    donc dont du elle elles en entre est et être fait faire il ils l la le les leur leurs lors
    lorsqu lorsque mais même met mise moins n ne ni non nos notre on ont ou où par parmi pas peu
    peut plus pour pourquoi qu quand que quel quelle quelles quels qui s sa sans se selon ses si
    son sont sous suivant sur tant tel telle telles tels toute toutes tous tout très un une vers
    y
    accompagnement action actions activité activités administration agile amélioration analyse
    application applications architecture assistance assure assurer besoin besoins budget
    cadre changement charge chef client clients compétence compétences conception conduite
    connaissance connaissances conseil conseille continuité contrat contrats contrôle coûts
    cycle data définit définition délai déploiement développement direction directeur
    directions documentation données droit efficacité ensemble entreprise entreprises
    environnement équipe équipes études évalue évolution évolutions exigences expérience
    expert exploitation famille fiche fonction fonctionnement formation fournisseurs gestion
    gère guide identifie incident incidents indicateurs information informations informatique
    informatiques infrastructure infrastructures innovation intégration interne livrables
    logiciel logiciels maintenance maîtrise management manager méthodes métier métiers
    mission modèles niveau nomenclature normes nouveaux nouvelle nouvelles objectifs œuvre
    opérationnel opérationnelle organisation outils parcours partie parties performance
    pilotage pilote place plan plans politique procédures processus production produit
    produits professionnel projet projets qualité recette référentiel relations réseau
    réseaux responsable ressources résultats risques rôle sécurité service services
    solution solutions stratégie stratégique suivi support système systèmes tâches technique
    techniques technologies tendances tests travail utilisateur utilisateurs utilisation
    veille
    cigref dsi e-cf it rh si ssi tic
    """.split()
)


@dataclass
class Lexicon:
    """Word frequencies used to arbitrate the ambiguous characters.

    ``words`` counts lower-cased words; ``forms`` holds the exact spelling of
    words with an irregular case pattern ("SaaS", "eXtreme") so that those
    can be recognised too.
    """

    words: Counter[str] = field(default_factory=Counter)
    forms: set[str] = field(default_factory=set)

    def add(self, word: str) -> None:
        """Count one occurrence of *word*."""
        self.words[word.lower()] += 1
        if not _regular_case(word):
            self.forms.add(word)

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        if _regular_case(word):
            return word.lower() in self.words
        return word in self.forms

    def count(self, word: str) -> int:
        """Frequency of *word* (0 when unknown or with an unseen irregular case)."""
        return self.words.get(word.lower(), 0) if word in self else 0


def _regular_case(word: str) -> bool:
    return word.islower() or word.isupper() or word.istitle()


def build_lexicon(text: str, extra: Iterable[str] | None = None) -> Lexicon:
    """Build the lexicon from the parts of *text* that need no decision.

    Those are the tokens without any strong character that contain at least
    one letter that is not an ambiguous character (plain clean text), and the
    tokens without any ambiguous character (garbled text whose decoding is
    deterministic).  Words of *extra* (any iterable of strings, e.g. the lines
    of a word list) are added with count 1 each.
    """
    lex = Lexicon()
    for w in SEED_WORDS:
        for part in _words(w):
            lex.add(part)
    for line in text.split("\n"):
        for start, end in tokenize(line):
            tok = line[start:end]
            if is_garbled(tok):
                if any(ch in AMBIGUOUS for ch in tok):
                    continue
                tok = decode_strong(tok)
            elif not any(ch.isalpha() and ch not in AMBIGUOUS for ch in tok):
                continue
            for w in _words(tok):
                lex.add(w)
    if extra is not None:
        for item in extra:
            for w in _words(item):
                lex.add(w)
    return lex
