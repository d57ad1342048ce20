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


def containment(fragment: str, reference: str) -> float:
    """Share of ``fragment``'s word pairs found in ``reference`` (0..1)."""
    bf, br = _bigrams(fragment), _bigrams(reference)
    if not bf or not br:
        return 0.0
    return len(bf & br) / len(bf)


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
    or itself capitalised (a proper name such as "Direction Générale").
    """
    text = clean(text)
    if not text:
        return []
    tokens = text.split(" ")
    items: list[list[str]] = [[tokens[0]]]
    for prev, tok in zip(tokens, tokens[1:], strict=False):
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
        if split:
            items.append([tok])
        else:
            items[-1].append(tok)
    return [" ".join(i).strip() for i in items if " ".join(i).strip()]


def cell_items(cell: str) -> list[str]:
    """Items of a list cell: one per <p> paragraph, ➤/• bullet or run-together <ul> task; the
    items of a list that follows a lead-in ending with ':' are joined to it (one sentence).
    Plain run-together text is split with :func:`split_tasks`."""
    if not re.search(r"<p>|<ul|➤|•", cell):
        return split_tasks(cell)
    items: list[str] = []
    open_lead = False  # the last item ends with ':' and collects the following list items

    def add(text: str, sub: bool) -> None:
        nonlocal open_lead
        if sub and open_lead and items and not re.match(r"^[A-ZÀÂÉÈÊÎÔÛÇ][a-zà-ÿ]", text):
            items[-1] = f"{items[-1]} {text}"
            return
        items.append(text)
        open_lead = text.endswith(":")

    for p_part in re.split(r"</?p>", cell):
        chunks = re.split(r"<ul[^>]*>|</ul>", p_part)
        for n, chunk in enumerate(chunks):
            in_list = n > 0
            if re.search(r"(?:^|\s)[➤•](?=\s)", chunk):
                subs = re.split(r"(?:^|\s)[➤•](?=\s)", chunk)
                head = clean(subs[0])
                if head:
                    add(head, in_list)
                for sub in subs[1:]:
                    if clean(sub):
                        add(clean(sub), True)
            elif in_list:
                for sub in split_tasks(chunk):
                    add(sub, True)
            elif clean(chunk):
                add(clean(chunk), False)
    return items
