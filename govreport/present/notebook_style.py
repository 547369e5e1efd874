"""The house style for a template's outputs inside JupyterLab (and VS Code, Colab …).

A report rendered by nbconvert inlines ``report.css`` in its ``<head>``; a notebook opened in JupyterLab
has no such head, so its badges, callouts and tables showed as plain text ("整體狀態 Overall status 紅
red"). :func:`notebook_style` is a ``<style>`` element that the first output of a template (the cover)
carries with it: the ``:root`` colours and every rule of ``report.css`` that only styles govreport's own
``gr-`` classes — never ``body``, ``html``, headings or bare tables, so JupyterLab's own interface is left
alone. In a rendered report the same rules are already in the head; repeating them changes nothing.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

__all__ = ["notebook_style"]

_CSS = Path(__file__).resolve().parent / "report.css"


def _rules(css: str) -> list[tuple[str, str]]:
    """Top-level ``(selector, body)`` pairs; @-blocks (``@media``, ``@page``) are skipped whole."""
    out, i, n = [], 0, len(css)
    while i < n:
        j = css.find("{", i)
        if j < 0:
            break
        selector = css[i:j]
        depth, k = 1, j + 1
        while k < n and depth:
            depth += {"{": 1, "}": -1}.get(css[k], 0)
            k += 1
        while "*/" in selector:  # drop comments before the selector
            selector = selector[selector.index("*/") + 2 :]
        selector = selector.strip()
        if not selector.startswith("@"):
            out.append((selector, css[j + 1 : k - 1].strip()))
        i = k
    return out


@cache
def notebook_style() -> str:
    """``<style>`` with the ``:root`` variables and the ``gr-`` class rules of the report's style."""
    keep = []
    for selector, body in _rules(_CSS.read_text(encoding="utf-8")):
        parts = [s.strip() for s in selector.split(",")]
        if selector == ":root" or all(
            "gr-" in s and not s.startswith(("html", "body")) and "main" not in s for s in parts
        ):
            keep.append(f"{selector} {{ {body} }}")
    return "<style>" + "\n".join(keep) + "</style>"
