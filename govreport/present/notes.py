"""The library's notes and reasons in the reader's language, from the message catalogue.

The library writes a note (results.json ``notes``, an indicator's ``note``, a fairness summary's
``reason``, a review's notes and reasons) as one English sentence. Every sentence it can write has a
catalogue entry ``note.*`` (govreport/present/messages/notes.py) whose English text is that sentence's
template, ``{name}`` for each variable part. At render a recorded note is matched against those templates
and written from the entry that matched, its variable parts carried over (a rate's or denominator's name
translated, :data:`~govreport.present.messages.notes.TERMS`). Matching the recorded text, not a code,
keeps every results.json ever written readable: a note no entry matches — an older govreport's, a bank's
own template's — prints as it was, marked ``lang="en"``.

Contract: text in, text out; reads no file, computes nothing.
"""

from __future__ import annotations

import html
import re
from functools import cache

from .i18n import MESSAGES, pair
from .messages.notes import TERMS

__all__ = ["match_template", "note_texts", "note_html"]


@cache
def _templates(prefix: str) -> list[tuple[re.Pattern[str], str, str]]:
    """(the English template as an anchored pattern, the Chinese, the English) of the catalogue entries
    under ``prefix``, longest template first."""
    out = []
    for key, (zh, en) in MESSAGES.items():
        if not key.startswith(prefix):
            continue
        parts = re.split(r"\{(\w+)\}", en)
        rx = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
        out.append((re.compile(rf"^{rx}$", re.S), zh, en))
    return sorted(out, key=lambda x: -len(x[0].pattern))


def _terms(value: str) -> str:
    """A variable part with its known words in Chinese ("national_id, phone" → "身分證字號、電話")."""
    items = value.split(", ")
    if len(items) > 1 and all(x in TERMS for x in items):
        return "、".join(TERMS[x] for x in items)
    return TERMS.get(value, value)


def match_template(text: str, prefix: str = "note.") -> tuple[str, str, dict[str, str]] | None:
    """The (Chinese, English) templates of the catalogue entry under ``prefix`` whose English template
    ``text`` is, with the variable parts as recorded; None when no entry matches."""
    for rx, zh, en in _templates(prefix):
        m = rx.match(text)
        if m:
            return zh, en, m.groupdict()
    return None


def note_texts(text: str) -> tuple[str, str]:
    """A recorded note as (Chinese, English); the Chinese is the note itself when no template matches."""
    text = str(text).strip()
    found = match_template(text)
    if found is None:
        return text, text
    zh, _, parts = found
    return zh.format(**{k: _terms(v) for k, v in parts.items()}), text


def note_html(text: str, tag: str = "span") -> str:
    """A recorded note as the two language spans (escaped); one English span marked ``lang="en"`` (shown in
    both views) when the catalogue has no entry for it."""
    zh, en = note_texts(text)
    if zh == en:
        return f'<{tag} lang="en">{html.escape(en)}</{tag}>'
    return pair(zh, en, tag)
