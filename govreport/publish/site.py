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
    with ``pdf=True``: each period's review printed to A4 by headless Chromium
    (:mod:`govreport.publish.site_print`, one browser for the whole publish);
    every other report as ``pdf/<period>/<system>-<template>.pdf`` (Chinese) and ``…-en.pdf`` (English),
    linked beside it.
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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import EvidenceError, InputError, TamperedEvidence
from ..evidence.queries import open_store
from ..evidence.store import EvidenceStore, RunRecord
from ..workspace.config import Workspace, as_workspace
from .pdf import find_chromium
from .site_pages import _print_copy as _print_copy  # re-exported: the sign-off tests print through it
from .site_pages import _Renderer
from .site_plan import (
    _GENERATOR,
    _HREF,
    _UNPUBLISHED,
    MANIFEST,
    MARKER,
    Entry,
    SiteResult,
    default_out,
    plan_site,
)
from .site_print import print_site

__all__ = ["build_site", "SiteResult", "Entry", "plan_site", "default_out", "MANIFEST", "MARKER"]


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
        pdfs, written = print_site(
            ws, plan, links, records, tmp, out, pdf=pdf, docx=docx, chromium=chromium, progress=progress
        )
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
