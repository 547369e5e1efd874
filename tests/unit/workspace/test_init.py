"""``govreport init``: a workspace a bank can start from — no made-up bank name carried silently into
reports, pointers only to files it created, and a .gitignore that keeps the store and the site out of git."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

from govreport.workspace import PLACEHOLDER_NAME_EN, PLACEHOLDER_NAME_ZH, Workspace


def _govreport(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "govreport", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
    )


def test_init_without_names_writes_marked_placeholders_that_later_commands_warn_about(tmp_path):
    r = _govreport("init", "bank-ws", cwd=tmp_path, stdin="")  # not a terminal: nothing is asked
    assert r.returncode == 0, r.stderr
    cfg = yaml.safe_load((tmp_path / "bank-ws" / "govreport.yaml").read_text(encoding="utf-8"))
    assert (cfg["name_zh"], cfg["name_en"]) == (PLACEHOLDER_NAME_ZH, PLACEHOLDER_NAME_EN)
    assert "示範銀行" not in (tmp_path / "bank-ws" / "govreport.yaml").read_text(encoding="utf-8")
    assert "placeholder" in r.stderr and "name_zh" in r.stderr

    # every path the closing lines point to exists
    mentioned = re.findall(r"(bank-ws/\S+?\.(?:yaml|md))\b", r.stdout)
    assert mentioned, r.stdout
    for m in mentioned:
        if "<id>" not in m:
            assert (tmp_path / m).is_file(), f"init points to {m}, which it did not create"

    check = _govreport("systems", "check", "-w", "bank-ws", cwd=tmp_path)
    assert (
        "warning:" in check.stderr
        and "govreport.yaml: field 'name_zh' is still the placeholder" in check.stderr
    )
    publish = _govreport("publish", "-w", "bank-ws", cwd=tmp_path)
    assert "field 'name_en' is still the placeholder" in publish.stderr, publish.stderr
    # (a period that is refused keeps this fast: the warning comes first, before anything runs)
    review = _govreport("review", "--period", "2026Q9", "-w", "bank-ws", cwd=tmp_path)
    assert "field 'name_zh' is still the placeholder" in review.stderr and review.returncode == 2, (
        review.stderr
    )

    gitignore = (tmp_path / "bank-ws" / ".gitignore").read_text(encoding="utf-8").split()
    assert {".govreport/", "site/", "reports/.staging/"} <= set(gitignore)


def test_init_with_names_writes_them_verbatim_and_warns_about_nothing(tmp_path):
    r = _govreport(
        "init", "ws", "--name-zh", '臺灣"測試"銀行', "--name-en", "Taiwan Test Bank: HQ", cwd=tmp_path
    )
    assert r.returncode == 0, r.stderr
    ws = Workspace.load(tmp_path / "ws")
    assert (ws.config.name_zh, ws.config.name_en) == ('臺灣"測試"銀行', "Taiwan Test Bank: HQ")
    assert ws.warnings() == [] and "warning" not in r.stderr


def test_init_asks_for_the_names_on_a_terminal(tmp_path):
    """On a terminal the names are asked for (run under a real pseudo-terminal)."""
    import os
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # the child: govreport init on the terminal
        os.chdir(tmp_path)
        os.execv(sys.executable, [sys.executable, "-m", "govreport", "init", "tty-ws"])
    out = b""
    answers = iter(["臺灣測試銀行\n", "Taiwan Test Bank\n"])
    while True:
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
        if chunk.rstrip().endswith(b":"):
            os.write(fd, next(answers, "\n").encode())
    os.waitpid(pid, 0)
    assert b"Bank name in Traditional Chinese" in out and b"Bank name in English" in out, out
    ws = Workspace.load(tmp_path / "tty-ws")
    assert (ws.config.name_zh, ws.config.name_en) == ("臺灣測試銀行", "Taiwan Test Bank")
