"""The article table's evidence and gap texts in the reader's language (issue 17).

:mod:`govreport.assessments.review_articles` records them as English sentences in review.json (so every
earlier review.json reads the same way); each known sentence is a catalogue entry ``evidence.*``
(govreport/present/messages/evidence.py) whose English text is its template, matched here
(:func:`govreport.present.notes.match_template`), and system ids are written as names in both languages. A
sentence the catalogue does not know is shown as it is, marked ``lang="en"``.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from .notes import match_template

__all__ = ["evidence_pair"]


def _names(text: str, systems: Mapping[str, Mapping[str, Any]], lang: str) -> str:
    """A comma-separated list of system ids as names."""
    key = "name_zh" if lang == "zh-TW" else "name_en"
    ids = [x.strip() for x in text.split(",")]
    if not ids or not all(x in systems for x in ids):
        return text
    return ("、" if lang == "zh-TW" else ", ").join(systems[x].get(key) or x for x in ids)


def evidence_pair(text: str, systems: Mapping[str, Mapping[str, Any]]) -> str:
    """``text`` as the two language spans (escaped); ids named; an unknown sentence kept, marked English."""
    found = match_template(text, "evidence.")
    if found is None:
        return f'<span lang="en">{html.escape(text)}</span>'
    zh, en, groups = found
    zh_text = zh.format(**{k: _names(g, systems, "zh-TW") for k, g in groups.items()})
    en_text = en.format(**{k: _names(g, systems, "en") for k, g in groups.items()})
    return (
        f'<span class="gr-l-zh" lang="zh-TW">{html.escape(zh_text)}</span>'
        f'<span class="gr-l-en" lang="en">{html.escape(en_text)}</span>'
    )
