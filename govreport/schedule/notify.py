"""Notification of scheduled runs: a bilingual plain-text e-mail built from the schedule's summary JSON.

The summary (what ran, what failed, the report links) is always written next to the reports by
:func:`govreport.schedule.run_due`; this module turns it into an e-mail (Traditional Chinese first, then
English) and sends it through ``notify.smtp`` of ``govreport.yaml`` with :mod:`smtplib` (``starttls``,
``ssl`` or ``none``; the user name and password come from the environment variables the settings name).
Links use ``notify.report_base_url`` when set, else local paths.

Nothing is lost when the server is down or refuses: every message is first written to
``.govreport/notify/pending/<schedule>__<period>.json``; a delivered one moves to ``.govreport/notify/sent/``,
a failed one stays pending with its attempts and last error, and :func:`retry_pending` (called at the start
of every ``govreport schedule run-due``) sends it again. The summary JSON's ``notification`` block always says
where the message stands. A pending file is taken by an atomic rename before sending, so two concurrent
calls never send the same message twice.
"""

from __future__ import annotations

import json
import os
import smtplib
import ssl
import time
from collections.abc import Callable, Mapping
from email.header import Header
from email.mime.text import MIMEText
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from ..core.files import atomic_write_text, now
from ..core.status import RunStatus
from ..present.i18n import t
from ..workspace.config import SmtpSettings, Workspace
from ..workspace.schedules import Schedule

__all__ = [
    "report_link",
    "compose",
    "send_mail",
    "notify_summary",
    "retry_pending",
    "pending_dir",
    "NotifyFailed",
]

_STALE_SECONDS = 3600


class NotifyFailed(Exception):
    """Sending failed; the message says why in one line (recorded, never shown as a traceback)."""


def pending_dir(ws: Workspace) -> Path:
    return ws.state_dir / "notify" / "pending"


def _sent_dir(ws: Workspace) -> Path:
    return ws.state_dir / "notify" / "sent"


def report_link(ws: Workspace, rel: str | None) -> str | None:
    """A link to a report for an e-mail: under ``notify.report_base_url`` when set, else the file path."""
    if not rel:
        return None
    path = ws.resolve(rel)
    base = ws.config.notify.report_base_url
    if base:
        try:
            return base.rstrip("/") + "/" + path.resolve().relative_to(ws.reports_dir.resolve()).as_posix()
        except ValueError:
            return base.rstrip("/") + "/" + rel
    return str(path)


# -- the message ------------------------------------------------------------------------------------
def compose(doc: Mapping[str, Any], summary_link: str) -> tuple[str, str]:
    """Subject and plain-text body (zh-TW, then English) of the summary ``doc``."""
    c = doc["counts"]
    ok, failed = c["succeeded"], c["failed"]
    late = ("schedule.mail.subject.late",) if doc["late"] else ()
    subject = (
        t(
            "schedule.mail.subject",
            "zh-TW",
            schedule=doc["schedule"],
            period=doc["period"],
            ok=ok,
            failed=failed,
        )
        + "".join(t(k, "zh-TW") for k in late)
        + " / "
        + t("schedule.mail.subject", "en", ok=ok, failed=failed)
        + "".join(t(k, "en") for k in late)
    )

    def block(lang: str) -> list[str]:
        bank = doc["workspace"]["name_zh" if lang == "zh-TW" else "name_en"]
        lines = [
            t("schedule.mail.title", lang, bank=bank),
            "",
            t("schedule.mail.schedule", lang, schedule=doc["schedule"])
            + (f" — {doc['description']}" if doc.get("description") else ""),
            t(
                "schedule.mail.period",
                lang,
                period=doc["period"],
                start=doc["period_start"],
                end=doc["period_end"],
            ),
            t("schedule.mail.due", lang, due=doc["due_at"]),
        ]
        if doc["late"]:
            lines.append(t("schedule.mail.late", lang, delay=doc["max_delay"]))
        lines.append(t("schedule.mail.counts", lang, ok=ok, failed=failed))
        return lines

    runs: list[str] = []
    for r in doc["runs"]:
        if r["status"] == RunStatus.SUCCEEDED:
            runs.append(
                f"  ✓ {r['system_id']}/{r['template']} v{r['version']} (RUN_ID {r['run_id']}): "
                f"{r['link'] or '-'}"
            )
        else:
            runs.append(
                f"  ✗ {r['system_id']}/{r['template']} (RUN_ID {r['run_id']}) "
                f"{t('schedule.mail.failed', 'zh-TW')} {t('schedule.mail.failed', 'en')}: {r['error']}"
            )
    runs += [f"  ✗ {e}" for e in doc.get("errors", [])]
    listing = [
        t("schedule.mail.runs", "zh-TW") + " / " + t("schedule.mail.runs", "en"),
        *(runs or ["  " + t("schedule.mail.none", "zh-TW"), "  " + t("schedule.mail.none", "en")]),
    ]
    body = [
        *block("zh-TW"),
        "",
        *block("en"),
        "",
        *listing,
        "",
        t("schedule.mail.summary", "zh-TW", path=summary_link),
        t("schedule.mail.summary", "en", path=summary_link),
        "",
        "-- ",
        t("schedule.mail.footer", "zh-TW"),
        t("schedule.mail.footer", "en"),
    ]
    return subject, "\n".join(body) + "\n"


def send_mail(smtp: SmtpSettings, to: list[str], cc: list[str], subject: str, body: str) -> None:
    """Send one plain-text UTF-8 message; any failure becomes :class:`NotifyFailed` with a one-line reason."""
    # MIMEText and Header (not EmailMessage): the modern header folder drops a space between encoded words,
    # which garbles mixed Chinese and English subjects ("失敗 1 件" arrives as "失敗1 件").
    msg = MIMEText(body, "plain", "utf-8")
    msg["From"] = smtp.sender
    msg["To"] = ", ".join(to)
    if cc:
        msg["Cc"] = ", ".join(cc)
    msg["Subject"] = Header(subject, "utf-8")
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=smtp.sender.rsplit("@", 1)[-1])
    user = password = None
    for attr, env in (("username_env", smtp.username_env), ("password_env", smtp.password_env)):
        if env:
            value = os.environ.get(env)
            if not value:
                raise NotifyFailed(f"environment variable {env} (notify.smtp.{attr}) is not set")
            if attr == "username_env":
                user = value
            else:
                password = value
    where = f"{smtp.host}:{smtp.port}"
    try:
        if smtp.security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                smtp.host, smtp.port, timeout=smtp.timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
        with client:
            if smtp.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if user is not None:
                client.login(user, password or "")
            refused = client.send_message(msg, to_addrs=[*to, *cc])
        if refused:
            raise NotifyFailed(f"{where} refused recipient(s): {', '.join(sorted(refused))}")
    except smtplib.SMTPRecipientsRefused as e:
        why = "; ".join(
            f"{a} ({c} {m.decode(errors='replace') if isinstance(m, bytes) else m})"
            for a, (c, m) in sorted(e.recipients.items())
        )
        raise NotifyFailed(f"SMTP server {where} refused recipient(s): {why}") from None
    except smtplib.SMTPResponseException as e:
        msg = e.smtp_error.decode(errors="replace") if isinstance(e.smtp_error, bytes) else str(e.smtp_error)
        raise NotifyFailed(f"SMTP server {where} answered {e.smtp_code} {' '.join(msg.split())}") from None
    except smtplib.SMTPException as e:
        raise NotifyFailed(f"SMTP server {where}: {_one_line(e)}") from None
    except (OSError, ssl.SSLError) as e:
        raise NotifyFailed(f"cannot reach SMTP server {where}: {_one_line(e)}") from None


def _one_line(e: BaseException) -> str:
    text = " ".join(str(e).split()) or type(e).__name__
    return f"{type(e).__name__}: {text}"[:500]


# -- the queue --------------------------------------------------------------------------------------
def _write_json(path: Path, doc: Mapping[str, Any]) -> None:

    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, json.dumps(doc, ensure_ascii=False, indent=2))


def _update_summary(path: Path, state: Mapping[str, Any]) -> None:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # the summary was moved or removed: the pending file still holds the state
    doc["notification"] = dict(state)
    _write_json(path, doc)


def _state(item: Mapping[str, Any]) -> dict[str, Any]:
    keys = (
        "schedule",
        "period",
        "status",
        "to",
        "cc",
        "attempts",
        "last_error",
        "sent_at",
        "last_attempt_at",
    )
    return {k: item.get(k) for k in keys}


def notify_summary(
    ws: Workspace,
    schedule: Schedule,
    doc: dict[str, Any],
    summary_file: Path,
    progress: Callable[[str], None] = lambda _m: None,
) -> dict[str, Any]:
    """Queue and send the e-mail for one schedule summary; returns the notification state (never raises)."""
    base = {"schedule": doc["schedule"], "period": doc["period"]}
    targets = schedule.notify
    if targets is None:
        return {**base, "status": "none"}
    if targets.when == "failures" and not doc["counts"]["failed"]:
        state = {**base, "status": "not_needed"}
        _update_summary(summary_file, state)
        return state

    subject, body = compose(doc, report_link(ws, ws.relative(summary_file)) or str(summary_file))
    item = {
        **base,
        "status": "pending",
        "to": targets.to,
        "cc": targets.cc,
        "subject": subject,
        "body": body,
        "summary_file": str(summary_file),
        "attempts": 0,
        "last_error": None,
        "created_at": now("seconds"),
    }
    path = pending_dir(ws) / f"{doc['schedule']}__{doc['period']}.json"
    _write_json(path, item)
    return deliver(ws, path, progress) or {**base, "status": "pending"}


def deliver(
    ws: Workspace, path: Path, progress: Callable[[str], None] = lambda _m: None
) -> dict[str, Any] | None:
    """Try to send one pending message. None if another process took it first."""
    taken = path.with_name(f"{path.stem}.sending-{os.getpid()}")
    try:
        os.rename(path, taken)
    except FileNotFoundError:
        return None
    try:
        item = json.loads(taken.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:  # a damaged queue file: set aside, never a crash of run-due
        os.replace(taken, path.with_suffix(".damaged"))
        progress(
            f"✗ notification file {path.name} is damaged ({type(e).__name__}); set aside as "
            f"{path.with_suffix('.damaged').name}"
        )
        return {
            "schedule": path.stem.split("__")[0],
            "period": path.stem.split("__")[-1],
            "status": "failed",
            "last_error": f"queue file damaged: {path.with_suffix('.damaged')}",
        }
    item["attempts"] = int(item.get("attempts", 0)) + 1
    item["last_attempt_at"] = now("seconds")
    try:
        smtp = ws.config.notify.smtp
        if smtp is None:
            raise NotifyFailed("no SMTP server is set (notify.smtp in govreport.yaml)")
        send_mail(smtp, item["to"], item.get("cc") or [], item["subject"], item["body"])
    except NotifyFailed as e:
        item["status"], item["last_error"] = "failed", str(e)
        _write_json(taken, item)
        os.replace(taken, path)
        progress(
            t("schedule.run.notify_failed", "en", schedule=item["schedule"], period=item["period"], error=e)
        )
    else:
        item["status"], item["sent_at"], item["last_error"] = "sent", now("seconds"), None
        _write_json(_sent_dir(ws) / path.name, item)
        taken.unlink(missing_ok=True)
        progress(
            t(
                "schedule.run.notify_sent",
                "en",
                to=", ".join(item["to"]),
                schedule=item["schedule"],
                period=item["period"],
            )
        )
    state = _state(item)
    _update_summary(Path(item["summary_file"]), state)
    return state


def _stale(path: Path) -> bool:
    pid = path.name.rsplit("-", 1)[-1]
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return True
    except PermissionError:
        pass
    return time.time() - path.stat().st_mtime > _STALE_SECONDS


def retry_pending(ws: Workspace, progress: Callable[[str], None] = lambda _m: None) -> list[dict[str, Any]]:
    """Send every pending message again (oldest first); returns their states."""
    folder = pending_dir(ws)
    if not folder.is_dir():
        return []
    for taken in folder.glob("*.sending-*"):  # left by a process that died while sending
        if _stale(taken):
            target = folder / (taken.name.split(".sending-", 1)[0] + ".json")
            if not target.exists():
                os.replace(taken, target)

    def age(p: Path) -> float:
        try:
            return p.stat().st_mtime
        except FileNotFoundError:  # taken by another process meanwhile
            return 0.0

    out = []
    for path in sorted(folder.glob("*.json"), key=age):
        state = deliver(ws, path, progress)
        if state is not None:
            out.append(state)
    return out
