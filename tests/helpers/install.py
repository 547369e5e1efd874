"""Installing govreport the way a user does: a clean copy of the repository, a fresh virtual environment
without system site packages (its own HOME, so no kernel spec or config of the developer's stands in for what
the package installs), dependencies from the package registry. pip's download cache is shared to keep CI
inside its time."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTEFACTS = ROOT / "test-artefacts"


def clean_copy(dest: Path) -> Path:
    """The repository as a fresh clone would have it: tracked files plus untracked ones git does not ignore
    (no build folders, caches, venvs or test artefacts)."""
    if (ROOT / ".git").exists() and shutil.which("git"):
        files = (
            subprocess.run(
                ["git", "-C", str(ROOT), "ls-files", "-z", "-c", "-o", "--exclude-standard"],
                capture_output=True,
                check=True,
            )
            .stdout.decode()
            .split("\0")
        )
        for f in filter(None, files):
            src = ROOT / f
            if src.is_file():
                (dest / f).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dest / f)
    else:  # an sdist: copy everything but what a build leaves
        shutil.copytree(
            ROOT,
            dest,
            dirs_exist_ok=True,
            ignore=shutil.ignore_patterns(
                ".venv", "build", "dist", "*.egg-info", "__pycache__", "test-artefacts", ".pytest_cache"
            ),
        )
    return dest


def fresh_venv(where: Path) -> tuple[Path, dict[str, str]]:
    """A virtual environment without system site packages, and the environment of a new user's shell
    with it activated (fresh HOME; pip's cache shared)."""
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True, timeout=300)
    cfg = (where / "pyvenv.cfg").read_text()
    assert "include-system-site-packages = false" in cfg, cfg
    home = where.parent / "home"
    home.mkdir(exist_ok=True)
    cache = subprocess.run(
        [sys.executable, "-m", "pip", "cache", "dir"], capture_output=True, text=True
    ).stdout.strip()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTHON", "VIRTUAL_ENV", "JUPYTER", "GOVREPORT", "CONDA", "PYTEST"))
    }
    env.update(
        HOME=str(home),
        VIRTUAL_ENV=str(where),
        PATH=f"{where / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    if cache and Path(cache).is_dir():
        env["PIP_CACHE_DIR"] = cache
    return where / "bin" / "python", env


def installed_packages(py: Path, env: dict[str, str]) -> list[str]:
    out = subprocess.run(
        [str(py), "-m", "pip", "list", "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    return sorted(p["name"] for p in json.loads(out))


def save_figures(name: str, figures: dict) -> None:
    ARTEFACTS.mkdir(exist_ok=True)
    (ARTEFACTS / f"{name}.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
