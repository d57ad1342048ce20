"""Text helpers of the CIGREF 2010 parser: HTML debris, whitespace, matching, task splitting."""

from __future__ import annotations

import re

_TAG = re.compile(r"</?(?:p|i|b|em|strong|ul|li|br)(?:\s[^>]*)?/?>", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-•➤]\s+)+")
_PAGE_FRACTION = re.compile(r"^\s*\d/\d\s*$")
_DEBRIS = re.compile(r"^[\s\t-]*$")


def strip_tags(text: str) -> str:
    """Remove the HTML tags the PDF conversion left in table cells (<p>, <i>, <ul>...)."""
    return _TAG.sub(" ", text)


def clean(text: str) -> str:
    """Strip tags, leading bullets and collapse whitespace."""
    text = strip_tags(text).replace("\xa0", " ")
    text = re.sub(r"\s+", " ", text).strip()
    return _BULLET.sub("", text).strip()


def is_page_fraction(line: str) -> bool:
    """Page-counter tokens such as '1/3' or '4/4' printed alone on a line."""
    return bool(_PAGE_FRACTION.match(line))


def is_debris(line: str) -> bool:
    """Table-rule debris: a line made only of dashes, tabs and spaces (and not empty)."""
    return bool(line.strip()) and bool(_DEBRIS.match(line))


def paragraphs(cell: str) -> list[str]:
    """Split a table cell into its <p>/<ul>/➤/• parts (cleaned, non-empty)."""
    parts = re.split(
        r"</?p>|<ul[^>]*>|</ul>|<li>|</li>|\s➤\s|^➤\s|\s•\s|^•\s", cell, flags=re.IGNORECASE
    )
    return [c for c in (clean(p) for p in parts) if c]


# ---------------------------------------------------------------------------------- matching


def _norm_word(word: str) -> str:
    # British/American spelling variants (organisation/organization, authorises/authorizes).
    return re.sub(r"is(e|es|ed|ing|ation|ations)$", r"iz\1", word)


def words(text: str) -> list[str]:
    """Lower-case words of a text, spelling-normalised, for fuzzy comparisons."""
    return [_norm_word(w) for w in re.findall(r"[a-z0-9]+", strip_tags(text).lower())]


def _bigrams(text: str) -> set[tuple[str, str]]:
    w = words(text)
    return set(zip(w, w[1:], strict=False)) if len(w) > 1 else {(w[0], "")} if w else set()


def overlap(a: str, b: str) -> float:
    """Share of the shorter text's word pairs that the other text contains (0..1)."""
    ba, bb = _bigrams(a), _bigrams(b)
    if not ba or not bb:
        return 0.0
    return len(ba & bb) / min(len(ba), len(bb))


# ------------------------------------------------------------------------------ task splitting

_NO_SPLIT_BEFORE = {
    "le", "la", "les", "l", "de", "du", "des", "d", "à", "au", "aux", "en", "et", "ou", "sur",
    "avec", "par", "pour", "un", "une", "son", "sa", "ses", "leur", "leurs", "dans", "entre",
    "vers", "chez", "sous", "ce", "cette", "ces", "dont", "que", "qui", "the", "of", "and", "a",
}  # fmt: skip


def _is_split_word(word: str) -> bool:
    """A capitalised word that can open a task: Capital + lower-case letters (not an acronym)."""
    return bool(re.match(r"^[A-ZÀÂÉÈÊÎÔÛÇ][a-zàâäéèêëîïôöûüç'’-]{2,}", word))


def split_tasks(text: str) -> list[str]:
    """Split a run-together list of tasks ("… en place Informe et sensibilise …") into items.

    A new item starts at a capitalised word (not an acronym) that follows a word ending in a
    lower-case letter, a digit, ')' or '.', unless the previous word is an article/preposition
    or itself capitalised (a proper name such as "Direction Générale"). It also starts at a
    capitalised word after a lead-in ending with ':' ("… d'archivage : Gère les supports …"),
    and at the verb "A" of "A en charge" ("… corrective A en charge …").
    """
    text = clean(text)
    if not text:
        return []
    tokens = text.split(" ")
    items: list[list[str]] = [[tokens[0]]]
    for k in range(1, len(tokens)):
        prev, tok = tokens[k - 1], tokens[k]
        nxt = tokens[k + 1] if k + 1 < len(tokens) else ""
        prev_bare = prev.lower().strip("«»\"'’(")
        prev_bare = (
            re.sub(r"^[a-z]['’]", "", prev_bare) if "'" in prev or "’" in prev else prev_bare
        )
        split = (
            _is_split_word(tok)
            and re.search(r"[A-Za-zàâäéèêëîïôöûüç0-9).,]$", prev) is not None
            and prev.lower() not in _NO_SPLIT_BEFORE
            and prev_bare not in _NO_SPLIT_BEFORE
            and not (re.match(r"^[A-ZÀÂÉÈÊÎÔÛÇ]", prev) and len(re.findall(r"[A-Z]", prev)) < 2)
            and not prev.endswith(("l'", "d'", "L'", "D'"))
            and (not prev.endswith(",") or len(items[-1]) >= 4)
        )
        split = split or (prev == ":" and _is_split_word(tok) and len(items[-1]) >= 3)
        split = split or (tok == "A" and nxt == "en" and re.search(r"[a-zé]$", prev) is not None)
        if split:
            items.append([tok])
        else:
            items[-1].append(tok)
    return [" ".join(i).strip() for i in items if " ".join(i).strip()]


_LOWER_START = re.compile(r"^[a-zàâäéèêëîïôöûüç]")
_INFINITIVE = re.compile(r"^[a-zàâéèêîôûç]{3,}(?:er|ir)$")


def sub_item_text(text: str) -> str:
    """A sub-item without the list separator (';' or ',') that ends it; a final '.' is kept."""
    text = clean(text)
    return re.sub(r"\s*[;,]$", "", text)


def split_sub_items(chunk: str) -> list[str]:
    """The items of a run-together sub-list (a <ul> whose bullets were lost).

    Items may start with a lower-case word ("l'ensemble de la production : … exploitation. la
    maintenance des matériels …"): a new one starts after a full stop, and, in a list of verbs
    in the infinitive ("assurer le maintien … de production anticiper les évolutions …"), at an
    infinitive that does not follow a preposition. Capitalised items are split as tasks are.
    """
    out: list[str] = []
    for part in split_tasks(chunk):
        pieces = re.split(r"(?<=\.)\s+(?=[a-zàâäéèêëîïôöûüç])", part)
        for piece in pieces:
            words = piece.split(" ")
            if not _INFINITIVE.match(words[0]):
                out.append(piece)
                continue
            current = [words[0]]
            for prev, word in zip(words, words[1:], strict=False):
                if _INFINITIVE.match(word) and prev.lower() not in _NO_SPLIT_BEFORE | {"sans"}:
                    out.append(" ".join(current))
                    current = [word]
                else:
                    current.append(word)
            out.append(" ".join(current))
    return out


def _entries(cell: str) -> list[tuple[str, str]]:
    """The printed items of a table cell, in order, each with its kind: ``p`` (a <p> paragraph
    or run-together text), ``li`` (an item of a <ul> list, or after a ➤/• bullet)."""
    if not re.search(r"<p>|<ul|➤|•", cell):
        return [(t, "p") for t in split_tasks(cell)]
    entries: list[tuple[str, str]] = []
    for p_part in re.split(r"</?p>", cell):
        chunks = re.split(r"<ul[^>]*>|</ul>", p_part)
        for n, chunk in enumerate(chunks):
            in_list = n > 0
            if re.search(r"(?:^|\s)[➤•](?=\s)", chunk):
                parts = re.split(r"(?:^|\s)[➤•](?=\s)", chunk)
                if clean(parts[0]):
                    entries.append((clean(parts[0]), "li" if in_list else "p"))
                entries += [(clean(part), "li") for part in parts[1:] if clean(part)]
            elif in_list:
                entries += [(t, "li") for t in split_sub_items(chunk)]
            elif clean(chunk):
                entries.append((clean(chunk), "p"))
    return entries


def cell_items(cell: str) -> list[tuple[str, list[str]]]:
    """Items of a list cell with their sub-items: one item per <p> paragraph, ➤/• bullet or
    run-together task (split with :func:`split_tasks`).

    An item ending with ':' opens a list. When <ul> items or bullets follow it, they are its
    sub-items, up to the next paragraph or capitalised unbulleted item ("Supervise : <ul>
    l'ensemble … la maintenance … </ul>"). When plain paragraphs or run-together tasks follow
    it, nothing marks the end of its list, which runs to the end of the cell ("<i>Lors de
    l'installation … :</i> Aide … Accompagne …"; "<p>Capitalise … :</p> <p>Garantit …</p>").
    """
    out: list[tuple[str, list[str]]] = []
    mode = ""  # how the items of the open list are marked: "li" or "p"
    for text, kind in _entries(cell):
        if out and out[-1][0].endswith(":"):
            subs = out[-1][1]
            if not subs:
                mode = kind  # the first item after the lead-in tells
            ends = (
                mode == "li"
                and kind == "li"
                and subs
                and not _LOWER_START.match(text)
                and all(_LOWER_START.match(x) for x in subs)
            )
            if mode == "p" or (mode == "li" and kind == "li" and not ends):
                subs.append(sub_item_text(text))
                continue
        out.append((text, []))
    return out
