"""The static report site (``govreport publish``): every period's review and every system's reports, offline.

:func:`build_site` reads the evidence store and the files it records — it never runs a notebook, never
recomputes an indicator and never imports Papermill — and writes a folder that works on its own from a
file share or an intranet web server (relative links only, no external URL, CSS inlined):

``index.html``
    every period, newest first; for each, the periodic review at the top (status badge and the seven
    Art. 13 dimensions from the review's recorded summary), the other portfolio reports (sustainability),
    then every AI system, highest risk tier first (names and tiers from the inventory), with its reports
    per template: status, version, run date, RUN_ID and the report's SHA-256 (short). A failed run is
    shown as failed with its reason (personal data masked), with a link to the latest earlier version that
    succeeded, if any.
``systems/<id>.html``
    one page per system: every run of it across all periods, newest first (its history).
``reports/<period>/<system>/<template>/v<N>/…``
    copies of the published reports, in the workspace's layout so that the links inside them (the review
    links to each system's report) keep working: the latest succeeded version per system, period and
    template, plus every recorded file those reports link to. Each copy's SHA-256 is checked against the
    evidence store; a mismatch or a missing file refuses the whole build (:class:`TamperedEvidence`).
``pdf/review-<period>[-en].pdf``
    with ``pdf=True``: each period's review printed to A4 by headless Chromium (:mod:`govreport.publish.pdf`).
``site.json``
    the manifest: every copied file with its RUN_ID, record hash and SHA-256.
``.govreport-site``
    the marker that lets a later ``publish`` replace this folder: a random site id and the list of every
    file the build wrote. ``publish --out DIR`` writes only into a new or empty folder or one whose content
    is exactly what its marker lists; anything else (a folder holding a bare ``site.json``, a site someone
    added files to, a folder of documents) is refused with exit 2 and nothing in it is deleted.

The default folder is ``<workspace>/site`` (beside ``reports/``, not inside it, so the site is never
mistaken for a period). The site is built in a temporary folder next to it and swapped in by renaming;
if anything fails the previous site is left as it was.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..core.periods import parse_period
from ..core.status import DIMENSIONS, PORTFOLIO, RunStatus
from ..data.masking import mask_text
from ..errors import EvidenceError, InputError, TamperedEvidence
from ..evidence.queries import open_store
from ..evidence.store import EvidenceStore, RunRecord
from ..present.i18n import DIMENSION_LABELS, MESSAGES, fmt_date
from ..present.review import L, badge, lang_switch
from ..workspace.config import Workspace, as_workspace
from ..workspace.inventory import Inventory
from .pdf import find_chromium, print_review
from .review_docx import review_docx_for_run

__all__ = ["build_site", "SiteResult", "Entry", "plan_site", "default_out", "MANIFEST", "MARKER"]

REVIEW = "review"
MANIFEST = "site.json"
#: the marker file of a folder built by ``govreport publish`` (random id + file manifest)
MARKER = ".govreport-site"
_GENERATOR = "govreport publish"
_TIER_ORDER = {"high": 0, "medium": 1, "low": 2, "out_of_scope": 3, "unassessed": 4}
#: Recorded outputs that stay in the workspace: the executed notebook (code) and the worker's log.
_UNPUBLISHED = ("notebook", "log")
_STATUSES = ("green", "amber", "red", "not_assessed")
_HREF = re.compile(r"""\b(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_CSS = """
.gr-period { border-top: 3px solid var(--gr-ink); margin-top: 2.2em; }
.gr-site-review { border: 1px solid var(--gr-rule); background: #fafbfc; padding: 8px 16px; margin: 10px 0; }
.gr-site-review .gr-badge { min-width: 4.2em; }
.gr-site-nav a { margin-right: 1.2em; }
a { color: #1d4f91; }
td .gr-muted, .gr-site-note { font-size: .85em; }
"""


@dataclass
class Entry:
    """One (period, system, template): its latest record, and the succeeded version the site publishes."""

    period: str
    system_id: str
    template: str
    latest: RunRecord
    published: RunRecord | None
    history: list[RunRecord] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.latest.status != RunStatus.SUCCEEDED


@dataclass
class SiteResult:
    """What :func:`build_site` wrote."""

    out: Path
    index: Path
    periods: list[str]
    files: list[str]
    pdfs: list[Path]
    seconds: float


def default_out(ws: Workspace) -> Path:
    """``<workspace>/site``."""
    return ws.root / "site"


# -- planning: what the evidence store says -----------------------------------------------------------
def _period_key(label: str) -> tuple[Any, ...]:
    try:
        p = parse_period(label)
    except Exception:  # noqa: BLE001 - an unparsable label still gets a place (last)
        return (0, label)
    order = {"month": 0, "quarter": 1, "year": 2}
    return (1, p.end, -order[p.kind], label)


def plan_site(records: Iterable[RunRecord]) -> dict[str, list[Entry]]:
    """Per period (newest first), one :class:`Entry` per (system, template), in chain order."""
    groups: dict[tuple[str, str, str], list[RunRecord]] = {}
    for r in records:
        if r.kind != "run":
            continue
        groups.setdefault((r.period, r.system_id, r.template), []).append(r)
    out: dict[str, list[Entry]] = {}
    for (period, sid, template), recs in groups.items():
        recs.sort(key=lambda r: r.seq)
        ok = [r for r in recs if r.status == RunStatus.SUCCEEDED and "html" in r.outputs]
        out.setdefault(period, []).append(
            Entry(period, sid, template, recs[-1], ok[-1] if ok else None, recs)
        )
    return {p: out[p] for p in sorted(out, key=_period_key, reverse=True)}


# -- copying with verification ------------------------------------------------------------------------
class _Copier:
    """Copies recorded outputs into the site, checking each copy's SHA-256 against the evidence store."""

    def __init__(self, ws: Workspace, dest: Path, records: Iterable[RunRecord]) -> None:
        self.ws = ws
        self.dest = dest
        self.by_path: dict[Path, tuple[RunRecord, str, Mapping[str, Any]]] = {}
        for r in records:
            for name, o in r.outputs.items():
                self.by_path[self._abs(o["path"])] = (r, name, o)
        self.copied: dict[str, dict[str, Any]] = {}

    def _abs(self, path: str) -> Path:
        return Path(os.path.normpath(self.ws.resolve(path)))

    def site_path(self, recorded: str) -> str:
        p = self._abs(recorded)
        try:
            return "reports/" + p.relative_to(self.ws.reports_dir.resolve()).as_posix()
        except ValueError:
            return f"files/{hashlib.sha256(str(p).encode()).hexdigest()[:12]}/{p.name}"

    def copy(self, rec: RunRecord, name: str) -> str:
        """Copy output ``name`` of ``rec`` (and, for HTML, the recorded files it links to); its site path."""
        out = rec.outputs[name]
        rel = self.site_path(out["path"])
        if rel in self.copied:
            return rel
        src = self._abs(out["path"])
        dst = self.dest / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        h = hashlib.sha256()
        try:
            with open(src, "rb") as fi, open(dst, "wb") as fo:
                while block := fi.read(1 << 20):
                    h.update(block)
                    fo.write(block)
        except FileNotFoundError:
            raise TamperedEvidence(
                f"the {name} output of RUN_ID {rec.seq} ({rec.system_id}/{rec.template} {rec.period} "
                f"v{rec.version}) is missing",
                file=out["path"],
                fix="restore it from backup (`govreport evidence verify` lists every problem); nothing was "
                "published",
            ) from None
        if h.hexdigest() != out["sha256"]:
            raise TamperedEvidence(
                f"the {name} output of RUN_ID {rec.seq} ({rec.system_id}/{rec.template} {rec.period} "
                f"v{rec.version}) no longer matches the SHA-256 the evidence store recorded "
                f"({out['sha256'][:12]}… recorded, {h.hexdigest()[:12]}… found)",
                file=out["path"],
                fix="restore it from backup or re-run the period (`govreport evidence verify` lists every "
                "problem); nothing was published",
            )
        self.copied[rel] = {
            "path": rel,
            "source": out["path"],
            "sha256": out["sha256"],
            "run_id": rec.seq,
            "record_hash": rec.record_hash,
            "system_id": rec.system_id,
            "period": rec.period,
            "template": rec.template,
            "version": rec.version,
            "output": name,
        }
        if dst.suffix.lower() in (".html", ".htm"):
            for target in self._linked(src, dst.read_text(encoding="utf-8", errors="replace")):
                r2, name2, _ = self.by_path[target]
                self.copy(r2, name2)
        return rel

    def _linked(self, src: Path, text: str) -> list[Path]:
        """Recorded outputs that a report links to with a relative URL."""
        found = []
        for m in _HREF.finditer(text):
            url = (
                html.unescape(m.group(1) if m.group(1) is not None else m.group(2))
                .split("#")[0]
                .split("?")[0]
            )
            if not url or re.match(r"^[a-z][a-z0-9+.-]*:|^/", url, re.I):
                continue
            target = Path(os.path.normpath(src.parent / url))
            if target in self.by_path and target not in found:
                found.append(target)
        return found


# -- rendering ------------------------------------------------------------------------------------------
def _e(s: object) -> str:
    return html.escape(str(s))


def _html_helpers() -> tuple[Callable[..., str], Callable[[str], str], Callable[[], str]]:
    """The review's bilingual helpers (``L``, ``badge``, ``lang_switch``): one house style."""
    return L, badge, lang_switch


def _page(title: tuple[str, str], body: str, css: str) -> str:
    """A whole page: inlined house style, the language switch, and a script that keeps the chosen
    language when following a link within the site."""
    _, _, lang_switch = _html_helpers()
    keep_lang = (
        "<script>document.addEventListener('click', function (ev) { var a = ev.target.closest('a');"
        " if (!a || !document.documentElement.classList.contains('gr-lang-en')) return;"
        " var h = a.getAttribute('href') || ''; if (/\\.html$/.test(h)) a.setAttribute('href', h + '#en');"
        " });</script>"
    )
    return (
        f'<!DOCTYPE html>\n<html lang="zh-TW">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="{_GENERATOR}">\n'
        f"<title>{_e(title[0])} · {_e(title[1])}</title>\n<style>{css}{_CSS}</style>\n</head>\n"
        f'<body class="govreport">\n<main>\n{lang_switch()}\n{body}\n</main>\n'
        f"{keep_lang}\n</body>\n</html>\n"
    )


class _Renderer:
    def __init__(
        self,
        ws: Workspace,
        plan: Mapping[str, list[Entry]],
        links: Mapping[int, str],
        pdfs: Mapping[str, dict[str, str]],
        records: list[RunRecord],
    ) -> None:
        self.ws = ws
        self.plan = plan
        self.links = links  # RUN_ID -> site path of its report.html
        self.pdfs = pdfs
        self.records = records
        self.inventory = Inventory.load(ws)
        self.css = (Path(__file__).resolve().parents[1] / "present" / "report.css").read_text(
            encoding="utf-8"
        )
        self.L, self.badge, _ = _html_helpers()
        order = {s.id: i for i, s in enumerate(self.inventory.ordered())}
        ids = {r.system_id for r in records if r.system_id != PORTFOLIO and r.kind == "run"}
        self.system_ids = sorted(ids, key=lambda s: (s not in order, order.get(s, 0), s))

    # small pieces
    def pair(self, zh: str, en: str, tag: str = "span") -> str:
        return self.L("site.pair", tag=tag, v=(zh, en))

    def name(self, sid: str) -> str:
        s = self.inventory.systems.get(sid)
        if s is None:  # retired from the inventory (or its file is invalid now: then no remark)
            gone = "" if sid in self.inventory.errors else " " + self.L("site.notlisted", tag="span")
            return self.pair(sid, sid) + gone
        return self.pair(s.name_zh, s.name_en)

    def tier(self, sid: str) -> str:
        s = self.inventory.systems.get(sid)
        if s is None:
            return "—"
        key = f"tier.{s.tier.tier}"
        return self.L(key) if key in MESSAGES else _e(s.tier.tier)

    def template(self, t: str) -> str:
        key = f"site.template.{t}"
        return self.L(key) if key in MESSAGES else _e(t)

    def date(self, iso: str) -> str:
        return self.pair(fmt_date(iso, "zh-TW"), fmt_date(iso, "en"))

    def status(self, rec: RunRecord) -> str:
        if rec.status != RunStatus.SUCCEEDED:
            return self.badge("failed")
        st = (rec.summary or {}).get("status")
        return self.badge(st) if st in _STATUSES else self.L("site.status.succeeded")

    def hash_cell(self, rec: RunRecord | None) -> str:
        if rec is None or "html" not in rec.outputs:
            return "—"
        sha = rec.outputs["html"]["sha256"]
        return (
            f'<span class="gr-hash" title="SHA-256 {_e(sha)} · record {_e(rec.record_hash)}">'
            f"{_e(sha[:12])}…</span>"
        )

    def reason(self, rec: RunRecord) -> str:
        text = mask_text(rec.error or rec.status)
        text = " ".join(text.split())
        if len(text) > 300:
            text = text[:297] + "…"
        return f'<div class="gr-muted gr-site-reason">{self.L("site.failed.reason", reason=text)}</div>'

    def link(self, rec: RunRecord | None, up: str, label: str) -> str:
        if rec is None or rec.seq not in self.links:
            return self.L("site.failed.noreport")
        return f'<a href="{_e(up + self.links[rec.seq])}">{label}</a>'

    def entry_cells(self, en: Entry, up: str) -> str:
        pub = en.published
        shown = pub if (pub is not None and not en.failed) else en.latest
        status = self.status(en.latest)
        if en.failed:
            status += self.reason(en.latest)
            note = (
                self.L("site.failed.older", version=pub.version)
                if pub is not None
                else self.L("site.failed.noreport")
            )
            status += f'<div class="gr-site-note">{note}</div>'
        label = self.template(en.template)
        return (
            f"<td>{self.link(pub, up, label) if pub else label}</td><td>{status}</td>"
            f"<td>v{shown.version}</td><td>{self.date(shown.finished_at)}</td>"
            f"<td class='num'>{shown.seq}</td><td>{self.hash_cell(pub)}</td>"
        )

    def head(self, *keys: str) -> str:
        return "<tr>" + "".join(f"<th>{self.L(k)}</th>" for k in keys) + "</tr>"

    # the period section of the index
    def review_box(self, period: str, entries: list[Entry]) -> str:
        rev = next((x for x in entries if x.system_id == PORTFOLIO and x.template == REVIEW), None)
        title = f"<h3>{self.L('site.review')}</h3>"
        if rev is None:
            none = self.L("site.review.none", tag="p", period=period)
            return f'<div class="gr-site-review" data-review="none">{title}{none}</div>'
        pub = rev.published
        body = ""
        if pub is not None:
            dims = (pub.summary or {}).get("dimensions") or {}
            cells = "".join(
                f"<td data-dimension='{d}' data-status='{_e(dims.get(d, ''))}'>"
                f"{self.pair(*DIMENSION_LABELS[d])}<br>"
                f"{self.badge(dims[d]) if dims.get(d) in _STATUSES else '—'}</td>"
                for d in DIMENSIONS
            )
            pdf = self.pdfs.get(period, {})
            pdf_links = "".join(
                f' · <a href="{_e(href)}">{self.L("site." + (lang if "." in lang else "pdf." + lang))}</a>'
                for lang, href in pdf.items()
            )
            body += (
                f'<p class="gr-big">{self.status(pub)} <a href="{_e(self.links[pub.seq])}" '
                f'data-kind="review">{self.L("site.review.open")}</a>{pdf_links}</p>'
                f'<table class="gr-matrix"><tr>{cells}</tr></table>'
                f'<p class="gr-muted">v{pub.version} · {self.date(pub.finished_at)} · RUN_ID {pub.seq} · '
                f"SHA-256 {self.hash_cell(pub)}</p>"
            )
        if rev.failed:
            body += self.badge("failed") + self.reason(rev.latest)
        body += self.signoffs(period)
        return f'<div class="gr-site-review" data-review="{_e(period)}">{title}{body}</div>'

    def signoffs(self, period: str) -> str:
        """The period's recorded sign-offs (govreport signoff), stale ones marked."""
        from ..evidence.signoff import signoffs_for
        from ..present.review import recorded_signoffs

        return recorded_signoffs(signoffs_for(self.records, period))

    def period_section(self, period: str, entries: list[Entry]) -> str:
        try:
            p = parse_period(period)
            rng = self.L(
                "site.period.range",
                tag="span",
                start=(fmt_date(p.start.isoformat()), fmt_date(p.start.isoformat(), "en")),
                end=(fmt_date(p.end.isoformat()), fmt_date(p.end.isoformat(), "en")),
            )
        except Exception:  # noqa: BLE001
            rng = ""
        out = (
            f'<section class="gr-period" id="p-{_e(period)}" data-period="{_e(period)}">'
            f"<h2>{self.L('site.period', period=period)} <span class='gr-muted'>{rng}</span></h2>"
        )
        out += self.review_box(period, entries)
        port = [x for x in entries if x.system_id == PORTFOLIO and x.template != REVIEW]
        if port:
            rows = "".join(
                f"<tr data-template='{_e(x.template)}'>{self.entry_cells(x, '')}</tr>"
                for x in sorted(port, key=lambda x: x.template)
            )
            out += (
                f"<h3>{self.L('site.portfolio')}</h3><table>"
                + self.head(
                    "site.col.template",
                    "site.col.status",
                    "site.col.version",
                    "site.col.date",
                    "site.col.runid",
                    "site.col.hash",
                )
                + rows
                + "</table>"
            )
        by_sys: dict[str, list[Entry]] = {}
        for x in entries:
            if x.system_id != PORTFOLIO:
                by_sys.setdefault(x.system_id, []).append(x)
        rows = []
        for sid in [s for s in self.system_ids if s in by_sys]:
            xs = sorted(by_sys[sid], key=lambda x: x.template)
            lead = (
                f"<td rowspan='{len(xs)}'><a href='systems/{_e(sid)}.html'>{self.name(sid)}</a></td>"
                f"<td rowspan='{len(xs)}'>{self.tier(sid)}</td>"
            )
            for i, x in enumerate(xs):
                rows.append(
                    f"<tr data-system='{_e(sid)}' data-template='{_e(x.template)}' "
                    f"data-status='{_e(x.latest.status)}'>"
                    f"{lead if i == 0 else ''}{self.entry_cells(x, '')}</tr>"
                )
        if rows:
            out += (
                f"<h3>{self.L('site.systems')}</h3><table class='gr-site-systems'>"
                + self.head(
                    "site.col.system",
                    "site.col.tier",
                    "site.col.template",
                    "site.col.status",
                    "site.col.version",
                    "site.col.date",
                    "site.col.runid",
                    "site.col.hash",
                )
                + "".join(rows)
                + "</table>"
            )
        return out + "</section>"

    def index(self, bank: tuple[str, str]) -> str:
        last = self.records[-1]
        nav = "".join(f"<a href='#p-{_e(p)}'>{_e(p)}</a>" for p in self.plan)
        sys_nav = "".join(
            f"<li><a href='systems/{_e(s)}.html'>{self.name(s)}</a> · {self.tier(s)}</li>"
            for s in self.system_ids
        )
        now = datetime.now(UTC).isoformat(timespec="seconds")
        when = (fmt_date(now), fmt_date(now, "en"))
        generated = self.L("site.generated", when=when, seq=last.seq, n=len(self.records))
        body = (
            f"<h1>{self.L('site.title')}</h1>"
            f"<p class='gr-muted'>{self.L('site.subtitle', bank=bank)}</p>"
            + self.L("site.lead", tag="p")
            + f"<p class='gr-muted'>{generated}</p>"
            + f"<p class='gr-site-nav'><b>{self.L('site.periods')}</b> {nav}</p>"
            + (
                f"<details><summary>{self.L('site.systems.all')}</summary><ul>{sys_nav}</ul></details>"
                if sys_nav
                else ""
            )
            + "".join(self.period_section(p, xs) for p, xs in self.plan.items())
            + f"<footer class='gr-footer'>{self.L('site.footer', tag='p')}</footer>"
        )
        return _page(MESSAGES["site.title"], body, self.css)

    def system_page(self, sid: str) -> str:
        recs = sorted(
            (r for r in self.records if r.system_id == sid and r.kind == "run"),
            key=lambda r: (_period_key(r.period), r.seq),
            reverse=True,
        )
        rows = []
        for r in recs:
            label = self.template(r.template)
            cell = self.link(r, "../", label) if r.seq in self.links else label
            status = self.status(r) + (self.reason(r) if r.status != RunStatus.SUCCEEDED else "")
            rows.append(
                f"<tr data-period='{_e(r.period)}' data-template='{_e(r.template)}' "
                f"data-status='{_e(r.status)}'><td>{_e(r.period)}</td><td>{cell}</td><td>{status}</td>"
                f"<td>v{r.version}</td><td>{self.date(r.finished_at)}</td><td class='num'>{r.seq}</td>"
                f"<td>{self.hash_cell(r)}</td></tr>"
            )
        s = self.inventory.systems.get(sid)
        title = (s.name_zh, s.name_en) if s else (sid, sid)
        body = (
            f"<p><a href='../index.html'>{self.L('site.back')}</a></p>"
            f"<h1>{self.name(sid)}</h1><p class='gr-muted'>{_e(sid)} · {self.tier(sid)}</p>"
            f"<h2>{self.L('site.history')}</h2>{self.L('site.history.lead', tag='p')}"
            f"<table class='gr-site-history'>"
            + self.head(
                "site.col.period",
                "site.col.template",
                "site.col.status",
                "site.col.version",
                "site.col.date",
                "site.col.runid",
                "site.col.hash",
            )
            + "".join(rows)
            + "</table>"
            + f"<footer class='gr-footer'>{self.L('site.footer', tag='p')}</footer>"
        )
        return _page(title, body, self.css)


def _print_copy(page: Path, records: list[RunRecord], period: str) -> Path:
    """A copy of the published review to print, beside it (so its links resolve), with the sign-offs
    recorded since it was built in place of the ones it shows (the caller removes it after printing)."""
    from ..evidence.signoff import signoffs_for
    from ..present.review import SIGNOFFS_END, SIGNOFFS_START, recorded_signoffs

    text = page.read_text(encoding="utf-8")
    fresh = recorded_signoffs(signoffs_for(records, period))
    i, j = text.find(SIGNOFFS_START), text.find(SIGNOFFS_END)
    if i >= 0 and j > i:
        text = text[:i] + fresh + text[j + len(SIGNOFFS_END) :]
    elif "</body>" in text:  # a review built before sign-offs were recorded: add them at the end
        text = text.replace("</body>", fresh + "</body>", 1)
    copy = page.with_name(f".print-{page.name}")
    copy.write_text(text, encoding="utf-8")
    return copy


# -- the build ------------------------------------------------------------------------------------------
def _check_out(out: Path, ws: Workspace) -> None:
    """Refuse to replace a folder that is not a site this command built (or the workspace itself).

    A folder may be replaced when it is empty or when it holds a :data:`MARKER` written by a build and
    nothing besides the files that marker lists — so no file of anyone else's is ever deleted.
    """
    if out in (ws.root, ws.reports_dir.resolve()) or ws.root.is_relative_to(out):
        raise InputError(
            f"{out} is the workspace or holds it; the site must go in a folder of its own",
            field="--out",
            fix="choose a new folder, e.g. --out site",
        )
    if not out.exists() and not out.is_symlink():
        return
    fix = "choose an empty or new folder; publish only replaces a folder it built and nothing was deleted"
    if out.is_symlink() or not out.is_dir():
        raise InputError(
            f"{out} exists and is not a site built by `govreport publish`", field="--out", fix=fix
        )
    present = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() or p.is_symlink()}
    if not present and not any(out.iterdir()):
        return
    try:
        marker = json.loads((out / MARKER).read_text(encoding="utf-8"))
        listed = set(marker["files"]) if re.fullmatch(r"[0-9a-f]{32}", str(marker.get("site_id"))) else None
    except (OSError, ValueError, KeyError, TypeError):
        listed = None
    if listed is None:
        raise InputError(
            f"{out} exists and is not a site built by `govreport publish` (no valid {MARKER})",
            field="--out",
            fix=fix,
        )
    extra = sorted(present - listed - {MARKER})
    if extra:
        raise InputError(
            f"{out} holds {len(extra)} file(s) the site did not write, e.g. {extra[0]}",
            field="--out",
            fix="move them out or choose another folder; nothing was deleted",
        )


def _write_marker(tmp: Path) -> None:
    files = sorted(p.relative_to(tmp).as_posix() for p in tmp.rglob("*") if p.is_file())
    doc = {"generator": _GENERATOR, "site_id": uuid.uuid4().hex, "files": files}
    (tmp / MARKER).write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")


def _clean_stale(parent: Path, name: str) -> None:
    """Remove temporary folders of earlier builds whose process is gone."""
    for d in parent.glob(f".{name}.*-*"):
        m = re.match(rf"^\.{re.escape(name)}\.(?:building|old)-(\d+)-", d.name)
        if not m or not d.is_dir():
            continue
        try:
            os.kill(int(m.group(1)), 0)
        except ProcessLookupError:
            shutil.rmtree(d, ignore_errors=True)
        except PermissionError:
            pass


def _swap(tmp: Path, out: Path) -> None:
    """Put the new site in place: the old one is renamed away first and only removed after the swap."""
    if not out.exists():
        os.replace(tmp, out)
        return
    old = out.with_name(f".{out.name}.old-{os.getpid()}-{uuid.uuid4().hex[:6]}")
    os.replace(out, old)
    try:
        os.replace(tmp, out)
    except BaseException:
        os.replace(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def build_site(
    ws: Workspace | str | Path,
    out: Path | None = None,
    *,
    pdf: bool = False,
    docx: bool = False,
    progress: Callable[[str], None] = lambda _m: None,
    store: EvidenceStore | None = None,
) -> SiteResult:
    """Build the static site of every period's reports into ``out`` (default ``<workspace>/site``).

    Raises :class:`EvidenceError` for an empty evidence store, :class:`TamperedEvidence` when the hash
    chain is broken or a report no longer matches its recorded SHA-256 (then nothing is written and the
    previous site stays), and a :class:`GovreportError` naming ``apt-get install chromium`` when ``pdf``
    is asked for without Chromium.
    """
    ws = as_workspace(ws)
    t0 = time.monotonic()
    out = Path(os.path.abspath(out if out is not None else default_out(ws)))
    _check_out(out, ws)
    chromium = None
    if pdf:
        chromium = find_chromium()
    store = store or open_store(ws, writing=False)
    records = store.records()
    if not records:
        raise EvidenceError(
            f"the evidence store of {ws.root} has no runs: there is nothing to publish",
            fix="run `govreport run --period 2026Q3` and `govreport review --period 2026Q3` first",
        )
    progress(f"{len(records)} record(s) in the evidence store; checking the hash chain …")
    problems = store.verify(check_files=False)
    if problems:
        raise TamperedEvidence(
            f"evidence chain check failed at {problems[0]}",
            fix="restore the store from "
            "backup (`govreport evidence verify` lists every problem); nothing was published",
        )
    plan = plan_site(records)
    out.parent.mkdir(parents=True, exist_ok=True)
    _clean_stale(out.parent, out.name)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-{os.getpid()}-", dir=out.parent))
    try:
        os.chmod(tmp, 0o755)  # mkdtemp makes it private; a site is read by a web server or a file share
        copier = _Copier(ws, tmp, records)
        published = [x.published for xs in plan.values() for x in xs if x.published is not None]
        progress(f"copying {len(published)} report(s) into the site, checking each SHA-256 …")
        links = {r.seq: copier.copy(r, "html") for r in published}
        for r in published:  # the data beside each report (results.json, exports); not notebooks or logs
            for name in sorted(set(r.outputs) - {"html", *_UNPUBLISHED}):
                copier.copy(r, name)
        pdfs: dict[str, dict[str, str]] = {}
        written: list[Path] = []
        if pdf and chromium:
            reviews = [
                (p, x.published)
                for p, xs in plan.items()
                for x in xs
                if x.system_id == PORTFOLIO and x.template == REVIEW and x.published is not None
            ]
            for i, (period, rec) in enumerate(reviews, 1):
                progress(f"[{i}/{len(reviews)}] printing the {period} review to PDF …")
                copy = _print_copy(tmp / links[rec.seq], records, period)
                try:
                    made = print_review(copy, tmp / "pdf", period, chromium=chromium)
                finally:
                    copy.unlink(missing_ok=True)
                pdfs[period] = {lang: p.relative_to(tmp).as_posix() for lang, p in made.items()}
                written.extend(out / p.relative_to(tmp) for p in made.values())
        if docx:  # the review's editable Word edition, both languages (charts drawn when Chromium is there)
            reviews = [
                (p, x.published)
                for p, xs in plan.items()
                for x in xs
                if x.system_id == PORTFOLIO and x.template == REVIEW and x.published is not None
            ]
            for i, (period, rec) in enumerate(reviews, 1):
                progress(f"[{i}/{len(reviews)}] writing the {period} review as Word documents …")
                made = {
                    lang: review_docx_for_run(
                        ws, rec, tmp / "docx" / f"review-{period}{suffix}.docx", lang=code, chromium=chromium
                    )
                    for lang, code, suffix in (("zh", "zh-TW", ""), ("en", "en", "-en"))
                }
                for lang, path in made.items():
                    pdfs.setdefault(period, {})[f"docx.{lang}"] = path.relative_to(tmp).as_posix()
                written.extend(out / p.relative_to(tmp) for p in made.values())
        progress("writing the index and the system pages …")
        r = _Renderer(ws, plan, links, pdfs, records)
        (tmp / "index.html").write_text(r.index((ws.config.name_zh, ws.config.name_en)), encoding="utf-8")
        (tmp / "systems").mkdir()
        for sid in r.system_ids:
            (tmp / "systems" / f"{sid}.html").write_text(r.system_page(sid), encoding="utf-8")
        manifest = {
            "generator": _GENERATOR,
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "workspace": str(ws.root),
            "evidence_head": store.head(),
            "periods": list(plan),
            "files": sorted(copier.copied.values(), key=lambda f: f["path"]),
            "pdf": pdfs,
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        _write_marker(tmp)
        _check_out(out, ws)  # again, just before the swap: nothing added to the folder meanwhile is lost
        _swap(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    progress(f"site written: {out / 'index.html'}")
    return SiteResult(
        out, out / "index.html", list(plan), sorted(copier.copied), written, time.monotonic() - t0
    )
