"""A workspace's own notebook templates: editable copies of the packaged ones (``govreport templates copy``).

A copy lives in the workspace's ``templates_nb/``. By default it gets a **new name** (``model_risk`` →
``model_risk_copy``, or ``--as NAME``): the packaged template still runs wherever a system record lists it,
and the copy runs only for systems that list the new name under ``templates:``; its runs, history and
reports are its own (the evidence store keys them by template name). Only with ``override=True`` is the
copy written under the packaged name, so that every run of that template uses it from then on.

The copy records which packaged template it derives from in its notebook metadata::

    "metadata": {"govreport": {"derived_from": "model_risk", "derived_from_sha256": "…",
                               "govreport_version": "…", "copied_at": "…"}}

so that a run precomputes it in the runner's worker exactly like its origin
(:func:`govreport.assessments.registry.computation_for`), and the copy's library cell names the new
template (``open_context(…, template="model_risk_copy")``) so its results.json and history are its own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..core.files import atomic_write_text, sha256_file
from ..core.resources import bundled_dir
from ..errors import InputError, TemplateError
from .config import check_template_name

__all__ = ["derived_from", "copy_template", "TemplateCopy", "packaged_templates", "workspace_templates"]

#: notebook metadata key of govreport's own facts about a template
META_KEY = "govreport"


def packaged_templates() -> dict[str, Path]:
    """Packaged template name → its notebook."""
    return {p.stem: p for p in sorted(bundled_dir("templates_nb").glob("*.ipynb"))}


def workspace_templates(templates_dir: Path) -> dict[str, Path]:
    """The workspace's own notebooks in ``templates_nb/`` (overrides and copies)."""
    if not templates_dir.is_dir():
        return {}
    return {p.stem: p for p in sorted(templates_dir.glob("*.ipynb"))}


def derived_from(path: Path | None) -> str | None:
    """The packaged template a notebook says it derives from (its metadata), or None."""
    if path is None:
        return None
    try:
        meta = json.loads(Path(path).read_text(encoding="utf-8")).get("metadata") or {}
    except (OSError, ValueError):
        return None
    name = (meta.get(META_KEY) or {}).get("derived_from")
    try:
        return check_template_name(name) if isinstance(name, str) else None
    except ValueError:
        return None


@dataclass
class TemplateCopy:
    name: str
    path: Path
    origin: str
    overrides: bool

    def message(self) -> str:
        if self.overrides:
            return (
                f"wrote {self.path}: an editable copy of the packaged template '{self.origin}' under the "
                f"same name — it now OVERRIDES the packaged one: every run of '{self.origin}' in this "
                "workspace uses this copy (delete the file to go back)"
            )
        return (
            f"wrote {self.path}: an editable copy of the packaged template '{self.origin}' named "
            f"'{self.name}'; the packaged '{self.origin}' still runs as before. To run the copy, list "
            f"'{self.name}' under `templates:` in a system's record (systems/<id>.yaml); its runs, history "
            "and reports are its own"
        )


def copy_template(
    templates_dir: Path, name: str, new: str | None = None, *, override: bool = False, force: bool = False
) -> TemplateCopy:
    """Copy packaged template ``name`` into ``templates_dir`` as ``new`` (default ``<name>_copy``), or as
    ``name`` itself with ``override``. Refuses to replace an existing notebook unless ``force``."""
    for n in (name, new):
        if n is not None:
            try:
                check_template_name(n)
            except ValueError as e:
                raise InputError(str(e), field="NAME" if n == name else "--as") from None
    name = name.removesuffix(".ipynb")
    packaged = packaged_templates()
    if name not in packaged:
        raise TemplateError(
            f"'{name}' is not a packaged template",
            field="NAME",
            fix=f"use one of: {', '.join(packaged)} (see `govreport templates`)",
        )
    if override and new not in (None, name):
        raise InputError("--override writes the copy under the packaged name: leave out --as", field="--as")
    target = name if override else (new or f"{name}_copy").removesuffix(".ipynb")
    if not override and target in packaged:
        raise InputError(
            f"'{target}' is a packaged template's name: a copy under it would override the packaged one",
            field="--as",
            fix=f"choose another name, or pass --override to replace the packaged '{target}' on purpose",
        )
    dest = templates_dir / f"{target}.ipynb"
    if dest.exists() and not force:
        raise InputError(
            f"{dest} already exists",
            field="--as",
            fix="choose another name with --as, or pass --force to replace it",
        )
    src = packaged[name]
    nb = json.loads(src.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        text = "".join(cell.get("source") or [])
        if f'template="{name}"' in text and target != name:
            text = text.replace(f'template="{name}"', f'template="{target}"')
            cell["source"] = text.splitlines(keepends=True)
    nb.setdefault("metadata", {})[META_KEY] = {
        "derived_from": name,
        "derived_from_sha256": sha256_file(src),
        "govreport_version": _version(),
        "copied_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    templates_dir.mkdir(parents=True, exist_ok=True)
    atomic_write_text(dest, json.dumps(nb, ensure_ascii=False, indent=1) + "\n")
    return TemplateCopy(target, dest, name, override)


def _version() -> str:
    from ..core.version import __version__

    return __version__
