"""``govreport schedule``: list the schedules, run what is due, install the periodic call on a server.

``run-due`` is meant to be called every few minutes by cron or a systemd timer: each (schedule, period) runs
exactly once (claimed in the evidence store), missed periods are caught up oldest first and recorded late,
and a notification that could not be sent is retried on the next call. Exit code 0 when everything ran and
was delivered, 1 when a run or a notification failed (both recorded), 2 for an invalid schedule file or
``--now`` (the valid schedules still run).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import click

from ..errors import InputError
from ..present.i18n import t
from .main import _err, _ws, workspace_option

__all__ = ["schedule", "crontab_line", "systemd_units"]

_NOW_HELP = "Act as if it were this moment (ISO 8601, e.g. 2026-10-05T07:00+08:00). Default: now."


@click.group()
def schedule() -> None:
    """Scheduled runs (scheduled/*.yaml): exactly once per period, caught up when missed (Art. 13, 15)."""


def _lang_line(key: str, **kw: object) -> str:
    return f"{t(key, 'zh-TW', **kw)} / {t(key, 'en', **kw)}"


# -- list -------------------------------------------------------------------------------------------
@schedule.command("list")
@workspace_option
@click.option("--now", default=None, help=_NOW_HELP)
@click.option(
    "--count", "-n", type=click.IntRange(1, 50), default=3, show_default=True, help="Next runs to show."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def schedule_list(workspace: str, now: str | None, count: int, as_json: bool) -> None:
    """Each schedule's next runs and the period each covers, what is due now, and the last run."""
    from ..evidence.queries import open_store
    from ..schedule.schedules import due_runs, finished, load_schedules, next_runs, parse_now, summary_path

    moment = parse_now(now)
    ws = _ws(workspace)
    schedules, errors, files = load_schedules(ws)
    claims: dict[str, dict[str, str]] = {}
    last: dict[str, dict] = {}
    claim_rows = open_store(ws).claims() if schedules else []
    done = finished(claim_rows)
    if schedules:
        for c in claim_rows:
            claims.setdefault(c["schedule"], {})[c["period"]] = c["due_at"]
            if c["schedule"] not in last or c["due_at"] > last[c["schedule"]]["due_at"]:
                last[c["schedule"]] = c
    rows = []
    for name, s in schedules.items():
        due = due_runs(s, moment, claims.get(name, {}))
        sel = s.systems
        rows.append(
            {
                "name": name,
                "file": ws.relative(files[name]),
                "enabled": s.enabled,
                "cron": s.cron,
                "timezone": s.timezone,
                "covers": s.covers,
                "max_delay": s.max_delay,
                "systems": sel.model_dump(exclude_defaults=True) or "all",
                "templates": s.templates or "applicable",
                "notify": s.notify.to if s.notify else [],
                "next": [{"at": at.isoformat(), "period": p.label} for at, p in next_runs(s, moment, count)],
                "due": [
                    {"period": d.period.label, "due_at": d.due_at.isoformat(), "late": d.late} for d in due
                ],
                "unfinished": sorted(
                    p
                    for p in claims.get(name, {})
                    if (name, p) not in done and not summary_path(ws, name, p).exists()
                ),
                "last": (
                    {
                        "period": last[name]["period"],
                        "due_at": last[name]["due_at"],
                        "late": bool(last[name]["late"]),
                    }
                    if name in last
                    else None
                ),
            }
        )
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        if not rows and not errors:
            click.echo(_lang_line("schedule.list.none"))
        for r in rows:
            off = (
                "  " + t("schedule.list.disabled", "zh-TW") + t("schedule.list.disabled", "en")
                if not r["enabled"]
                else ""
            )
            click.echo(
                f"{r['name']}  [{r['cron']} {r['timezone']}]  covers {r['covers']}  systems {r['systems']}  "
                f"templates {r['templates']}  max_delay {r['max_delay']}{off}"
            )
            for n in r["next"]:
                click.echo(f"    next {n['at']}  → {n['period']}")
            if r["due"]:
                periods = ", ".join(d["period"] + (" (late)" if d["late"] else "") for d in r["due"])
                click.echo("    " + _lang_line("schedule.list.due", n=len(r["due"]), periods=periods))
            if r["unfinished"]:
                click.echo(
                    f"    claimed, no summary yet (still running, or resumed by the next run-due): "
                    f"{', '.join(r['unfinished'])}"
                )
            if r["last"]:
                click.echo(
                    "    "
                    + _lang_line(
                        "schedule.list.last",
                        period=r["last"]["period"],
                        when=r["last"]["due_at"],
                        late=", late" if r["last"]["late"] else "",
                    )
                )
    for e in errors:
        _err(f"error: {e}")
    if errors:
        raise SystemExit(2)


# -- run-due ----------------------------------------------------------------------------------------
@schedule.command("run-due")
@workspace_option
@click.option("--now", default=None, help=_NOW_HELP)
@click.option("--schedule", "-s", "names", multiple=True, help="Only this schedule (repeatable).")
@click.option("--quiet", "-q", is_flag=True, help="Print only failures and one line per schedule run.")
def run_due_cmd(workspace: str, now: str | None, names: tuple[str, ...], quiet: bool) -> None:
    """Run every (schedule, period) due now, exactly once, oldest first; safe to call from cron every few
    minutes.

    \b
    Example (what the cron line runs):
      govreport schedule run-due -w /srv/ai-governance
    """
    from ..schedule.schedules import parse_now, run_due

    moment = parse_now(now)
    ws = _ws(workspace)

    def progress(msg: str) -> None:
        if not quiet or "✗" in msg or "failed" in msg:
            click.echo(msg, err=True)

    report = run_due(ws, moment, progress=progress, only=list(names) or None)
    ran = [o for o in report.outcomes if o.state in ("ran", "resumed")]
    for o in report.outcomes:
        late = (" (late)" if o.late else "") + (" (resumed)" if o.state == "resumed" else "")
        if o.state in ("ran", "resumed"):
            click.echo(
                t(
                    "schedule.run.ran",
                    "en",
                    schedule=o.schedule,
                    period=o.period,
                    late=late,
                    ok=o.succeeded,
                    failed=o.failed,
                    path=ws.relative(Path(o.summary_file or "")),
                )
            )
        else:
            click.echo(t("schedule.run.elsewhere", "en", schedule=o.schedule, period=o.period))
    if not ran and not report.errors:
        click.echo(t("schedule.run.nothing", "en"))
    for n in report.failed_notifications:
        _err(
            t(
                "schedule.run.notify_failed",
                "en",
                schedule=n["schedule"],
                period=n["period"],
                error=n["last_error"],
            )
        )
    for e in report.errors:
        _err(f"error: {e}")
    if report.errors:
        raise SystemExit(2)
    if report.failed_runs or report.failed_notifications:
        raise SystemExit(1)


# -- install ----------------------------------------------------------------------------------------
def _unit_name(root: Path) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", root.name.lower()).strip("-") or "workspace"
    return f"govreport-{slug}-{hashlib.sha256(str(root).encode()).hexdigest()[:6]}"


def _command(root: Path) -> list[str]:
    return [sys.executable, "-m", "govreport", "schedule", "run-due", "--quiet", "--workspace", str(root)]


def crontab_line(root: Path, every: int) -> str:
    """The crontab line calling ``run-due`` every ``every`` minutes, logging to .govreport/schedule.log."""
    log = root / ".govreport" / "schedule.log"
    cmd = " ".join(shlex.quote(c) for c in _command(root))
    return (
        f"*/{every} * * * * cd {shlex.quote(str(root))} && {cmd} >> {shlex.quote(str(log))} 2>&1"
        f"  # {_unit_name(root)}"
    )


def _sd_quote(s: str) -> str:
    return f'"{s}"' if re.search(r"\s|\"|\\", s) else s


def systemd_units(root: Path, every: int) -> dict[str, str]:
    """A oneshot service and its timer (file name → content)."""
    name = _unit_name(root)
    service = f"""\
[Unit]
Description=govreport scheduled runs for {root}
After=network-online.target
Wants=network-online.target

[Service]
Type=oneshot
WorkingDirectory={_sd_quote(str(root))}
ExecStart={" ".join(_sd_quote(c) for c in _command(root))}
# SMTP and database secrets (notify.smtp.password_env, evidence.url_env): KEY=value lines, kept out of git
EnvironmentFile=-/etc/govreport/{name}.env
Nice=5
"""
    timer = f"""\
[Unit]
Description=Run govreport schedule run-due every {every} minutes for {root}

[Timer]
OnCalendar=*:0/{every}
Persistent=true
RandomizedDelaySec=30

[Install]
WantedBy=timers.target
"""
    return {f"{name}.service": service, f"{name}.timer": timer}


@schedule.command("install")
@workspace_option
@click.option("--systemd", is_flag=True, help="A systemd service and timer instead of a crontab line.")
@click.option(
    "--write", is_flag=True, help="Install it: add the line to your crontab, or write the unit files."
)
@click.option(
    "--every", type=click.IntRange(1, 59), default=5, show_default=True, help="Minutes between calls."
)
@click.option(
    "--dir",
    "unit_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="With --systemd --write: folder for the unit files "
    "(default /etc/systemd/system as root, else ~/.config/systemd/user).",
)
def schedule_install(workspace: str, systemd: bool, write: bool, every: int, unit_dir: str | None) -> None:
    """Print (or with --write, install) how a server calls `schedule run-due` every few minutes."""
    ws = _ws(workspace)
    root = ws.root
    if not systemd:
        line = crontab_line(root, every)
        if not write:
            click.echo(line)
            return
        if shutil.which("crontab") is None:
            raise InputError(
                "the crontab command is not installed",
                field="--write",
                fix="install cron (apt-get install cron), add the line printed without --write by hand, "
                "or use --systemd",
            )
        current = subprocess.run(["crontab", "-l"], capture_output=True, text=True)
        lines = current.stdout.splitlines() if current.returncode == 0 else []
        marker = f"# {_unit_name(root)}"
        lines = [x for x in lines if not x.rstrip().endswith(marker)] + [line]
        done = subprocess.run(["crontab", "-"], input="\n".join(lines) + "\n", capture_output=True, text=True)
        if done.returncode != 0:
            raise InputError(
                f"crontab refused the new table: {done.stderr.strip()[:200]}",
                field="--write",
                fix="check that you may use cron (cron.allow), or add the line by hand",
            )
        click.echo(f"installed in your crontab:\n{line}")
        return
    units = systemd_units(root, every)
    user = os.geteuid() != 0 if hasattr(os, "geteuid") else True
    ctl = "systemctl --user" if user and unit_dir is None else "systemctl"
    timer = next(n for n in units if n.endswith(".timer"))
    if not write:
        for fname, text in units.items():
            click.echo(f"# --- {fname}\n{text}")
        click.echo(
            "# install: copy both files to "
            f"{'~/.config/systemd/user' if user else '/etc/systemd/system'}/, then"
        )
        click.echo(f"#   {ctl} daemon-reload && {ctl} enable --now {timer}")
        return
    folder = (
        Path(unit_dir)
        if unit_dir
        else (Path.home() / ".config" / "systemd" / "user" if user else Path("/etc/systemd/system"))
    )
    folder.mkdir(parents=True, exist_ok=True)
    for fname, text in units.items():
        (folder / fname).write_text(text, encoding="utf-8")
        click.echo(f"wrote {folder / fname}")
    click.echo(f"now enable it: {ctl} daemon-reload && {ctl} enable --now {timer}")
    if user:
        click.echo("(for a user timer that runs while you are logged out: loginctl enable-linger $USER)")
