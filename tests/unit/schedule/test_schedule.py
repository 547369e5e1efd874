"""Schedules: exactly once per (schedule, period), catch-up oldest first and late, e-mail through a real SMTP
server (aiosmtpd) with retry, and the `govreport schedule` commands with real Papermill runs."""

from __future__ import annotations

import email
import email.policy
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from govreport.core.periods import parse_period
from govreport.errors import InputError, ScheduleError
from govreport.evidence.queries import open_store
from govreport.schedule.notify import NotifyFailed, compose, send_mail
from govreport.schedule.schedules import covered_period, due_runs, parse_now, select_systems
from govreport.workspace.config import SmtpSettings, Workspace
from govreport.workspace.inventory import Inventory
from govreport.workspace.scaffold import init_workspace
from govreport.workspace.schedules import load_schedule, load_schedules, review_falls_due
from tests.helpers.nb import LOW_FACTORS, SYSTEM_BASE, write_notebook

HIGH = "{customer_facing: 3, personal_data: 3, autonomy: 2, complexity: 2, impact: 3, remedies: 2}"
MEDIUM = "{customer_facing: 2, personal_data: 2, autonomy: 2, complexity: 2, impact: 2, remedies: 2}"
LOW = LOW_FACTORS
#: A tiny template (fast real Papermill run); the high-tier system's 2025Q4 run fails on purpose.
TINY = (
    "import os, time\nif os.environ.get('TINY_SLEEP'):\n    time.sleep(float(os.environ['TINY_SLEEP']))",
    "if system_id == 'hi' and period == '2025Q4':\n    raise ValueError('planted failure of hi in 2025Q4')",
    "print(system_id, period)",
)
MONTHLY = """\
description: 每月監控 Monthly monitoring
cron: "0 6 1 * *"
covers: previous_month
systems: {tier: [high]}
templates: [tiny]
max_delay: 7d
start: 2026-01-05T00:00:00
notify: {to: [ops@bank.example]}
"""
QUARTERLY = """\
description: 季度檢視 Quarterly review
cron: "0 6 5 1,4,7,10 *"
covers: previous_quarter
systems:
  review_due: true
templates: [tiny, review]
max_delay: 2d
start: 2026-01-05T00:00:00
notify: {to: [board@bank.example], cc: [ops@bank.example]}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_ws(
    tmp_path: Path, systems: dict[str, str], schedules: dict[str, str], smtp_port: int | None = None
) -> Workspace:
    root = init_workspace(tmp_path / "ws", name_zh="測試銀行", name_en="Test Bank")
    for f in (root / "scheduled").glob("*.yaml"):  # the packaged defaults: replaced by the test's own
        f.unlink()
    for sid, factors in systems.items():
        (root / "systems" / f"{sid}.yaml").write_text(
            SYSTEM_BASE.format(id=sid, factors=factors, template="tiny"), encoding="utf-8"
        )
    for name, text in schedules.items():
        (root / "scheduled" / f"{name}.yaml").write_text(text, encoding="utf-8")
    write_notebook(root / "templates_nb" / "tiny.ipynb", *TINY)
    write_notebook(root / "templates_nb" / "review.ipynb", "print('portfolio review', period)")
    if smtp_port:
        with open(root / "govreport.yaml", "a", encoding="utf-8") as f:
            f.write(
                "notify:\n  report_base_url: https://intranet.bank.example/reports/\n"
                f"  smtp: {{host: 127.0.0.1, port: {smtp_port}, security: none, "
                "sender: govreport@bank.example, timeout: 5}\n"
            )
    return Workspace.load(root)


def govreport(ws: Workspace, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "govreport", *args, "-w", str(ws.root)],
        capture_output=True,
        text=True,
        timeout=900,
    )


class Inbox:
    """A real SMTP server (aiosmtpd) on a local port; keeps what it received."""

    def __init__(self, port: int, refuse: str | None = None) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.refuse = refuse
        self.lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=port)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001, ANN201, N802
        if self.refuse and address == self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        msg = email.message_from_bytes(
            envelope.original_content or envelope.content, policy=email.policy.default
        )
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), msg))
        return "250 Message accepted"

    def __enter__(self) -> Inbox:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


def body(msg: email.message.EmailMessage) -> str:
    return msg.get_body(preferencelist=("plain",)).get_content()


# -- schedule files: bad input names the file, line and field ---------------------------------------
@pytest.mark.parametrize(
    ("text", "field", "line", "words"),
    [
        ('cron: "61 * * * *"\n', "cron", 1, "not a valid cron expression"),
        ('cron: "0 7 * *"\n', "cron", 1, "five fields"),
        ('cron: "0 7 1 * *"\ntimezone: Asia/Taipai\n', "timezone", 2, "not a time zone"),
        ('cron: "0 7 1 * *"\nmax_delay: soon\n', "max_delay", 2, "not a duration"),
        ('cron: "0 7 1 * *"\ncovers: last_quarter\n', "covers", 2, "previous_quarter"),
        ('cron: "0 7 1 * *"\nnotify: {to: [not-an-address]}\n', "notify.to", 2, "not an e-mail address"),
        ('cron: "0 7 1 * *"\nsystems: everything\n', "systems", 2, "not a system selection"),
        ('cron: "0 7 1 * *"\nsystems: {tier: [urgent]}\n', "systems.tier.0", 2, "high"),
        ('cron: "0 7 1 * *"\ncolour: blue\n', "colour", 2, "unknown field"),
    ],
)
def test_invalid_schedule_names_file_line_and_field(tmp_path, text, field, line, words):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScheduleError) as e:
        load_schedule(path)
    assert (e.value.file, e.value.line, e.value.field) == (str(path), line, field)
    assert words in str(e.value) and "\n" not in str(e.value)


def test_unknown_system_and_template_are_refused_with_line(tmp_path):
    ws = make_ws(
        tmp_path,
        {"hi": HIGH},
        {
            "ids": 'cron: "0 7 1 * *"\nsystems:\n  - hi\n  - ghost\n',
            "tmpl": 'cron: "0 7 1 * *"\ntemplates: [tiny, nonesuch]\n',
            "good": 'cron: "0 7 1 * *"\nsystems: [hi]\n',
        },
    )
    schedules, errors, _ = load_schedules(ws)
    assert list(schedules) == ["good"]
    by_file = {Path(e.file).name: e for e in errors}
    assert (by_file["ids.yaml"].line, by_file["ids.yaml"].field) == (4, "systems")
    assert "unknown system id 'ghost'" in str(by_file["ids.yaml"]) and "known systems: hi" in str(
        by_file["ids.yaml"]
    )
    assert (by_file["tmpl.yaml"].line, by_file["tmpl.yaml"].field) == (2, "templates")
    assert "unknown template 'nonesuch'" in str(by_file["tmpl.yaml"])
    # the CLI prints each as one line and exits 2, still listing the valid schedule
    r = govreport(ws, "schedule", "list", "--now", "2026-03-01T00:00+08:00")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    errs = [x for x in r.stderr.splitlines() if x.startswith("error:")]
    assert len(errs) == 2 and any("ids.yaml:4: field 'systems': unknown system id 'ghost'" in x for x in errs)
    assert "good  [0 7 1 * * Asia/Taipei]  covers previous_quarter" in r.stdout and "→ 2026Q1" in r.stdout


def test_bad_now_is_one_line_exit_2(tmp_path):
    ws = make_ws(tmp_path, {}, {})
    for cmd in ("run-due", "list"):
        r = govreport(ws, "schedule", cmd, "--now", "next tuesday")
        assert r.returncode == 2 and "Traceback" not in r.stderr
        assert r.stderr.strip() == (
            "error: field '--now': 'next tuesday' is not an ISO 8601 date-time — write e.g. "
            "2026-10-05T07:00+08:00 or 2026-10-05T07:00:00Z"
        )
    with pytest.raises(InputError):
        parse_now("2026-13-01T00:00")
    assert parse_now("2026-10-05T07:00:00Z") == datetime(2026, 10, 5, 7, tzinfo=UTC)


def test_packaged_schedules_are_valid_and_follow_the_tier_rule(tmp_path):
    root = init_workspace(tmp_path / "fresh", name_zh="銀行", name_en="Bank")
    ws = Workspace.load(root)
    schedules, errors, _ = load_schedules(ws)
    assert errors == [] and set(schedules) == {"monitoring-monthly", "review-quarterly"}
    monthly, review = schedules["monitoring-monthly"], schedules["review-quarterly"]
    assert monthly.covers == "previous_month" and review.covers == "previous_quarter"
    assert review.systems.review_due and review.portfolio_templates == ["sustainability", "review"]
    # high tier every quarter, medium every half year, low once a year (docs/inventory.md)
    for sid, factors in (("h", HIGH), ("m", MEDIUM), ("l", LOW)):
        (root / "systems" / f"{sid}.yaml").write_text(
            SYSTEM_BASE.format(id=sid, factors=factors, template="tiny"), encoding="utf-8"
        )
    inv = Inventory.load(ws)
    assert [inv.systems[s].tier.tier for s in "hml"] == ["high", "medium", "low"]
    picked = {q: select_systems(review, inv, parse_period(f"2026Q{q}")) for q in (1, 2, 3, 4)}
    assert picked == {1: ["h"], 2: ["h", "m"], 3: ["h"], 4: ["h", "m", "l"]}
    assert sum(len(v) for v in picked.values()) == 7
    assert select_systems(monthly, inv, parse_period("2026-05")) == ["h", "m", "l"]
    assert review_falls_due(12, parse_period("2026-12")) and not review_falls_due(6, parse_period("2026-05"))


# -- due occurrences --------------------------------------------------------------------------------
def _sched(tmp_path: Path, text: str, name: str = "s"):
    p = tmp_path / f"{name}.yaml"
    p.write_text(text, encoding="utf-8")
    return load_schedule(p)


def test_due_runs_catch_up_oldest_first_and_late(tmp_path):
    s = _sched(tmp_path, QUARTERLY)
    now = datetime.fromisoformat("2026-10-20T09:00+08:00")
    due = due_runs(s, now, {})
    assert [d.period.label for d in due] == ["2025Q4", "2026Q1", "2026Q2", "2026Q3"]
    assert [d.due_at.isoformat() for d in due][:2] == [
        "2026-01-05T06:00:00+08:00",
        "2026-04-05T06:00:00+08:00",
    ]
    assert all(d.late for d in due)
    claimed = {"2025Q4": "2026-01-05T06:00:00+08:00", "2026Q1": "2026-04-05T06:00:00+08:00"}
    assert [d.period.label for d in due_runs(s, now, claimed)] == ["2026Q2", "2026Q3"]
    # on time within max_delay (2d), late after it; not due before the occurrence
    assert not due_runs(
        s,
        datetime.fromisoformat("2026-10-06T05:00+08:00"),
        claimed | {"2026Q2": "x", "2026Q3": "2026-10-05T06:00:00+08:00"},
    )
    on_time = due_runs(s, datetime.fromisoformat("2026-10-07T05:59+08:00"), claimed | {"2026Q2": "y"})
    assert [(d.period.label, d.late) for d in on_time] == [("2026Q3", False)]
    assert due_runs(s, datetime.fromisoformat("2026-10-07T06:01+08:00"), claimed | {"2026Q2": "y"})[0].late
    # the same instant in UTC gives the same answer (time zones are honoured)
    assert due_runs(s, datetime(2026, 1, 4, 22, 0, tzinfo=UTC), {})[0].period.label == "2025Q4"
    assert due_runs(s, datetime(2026, 1, 4, 21, 59, tzinfo=UTC), {}) == []


def test_without_start_a_new_schedule_begins_with_its_latest_occurrence(tmp_path):
    s = _sched(tmp_path, 'cron: "0 6 1 * *"\ncovers: previous_month\ntimezone: UTC\n')
    now = datetime(2026, 7, 15, tzinfo=UTC)
    assert [(d.period.label, d.late) for d in due_runs(s, now, {})] == [("2026-06", True)]
    # once claimed, later calls catch up everything after the earliest claim
    later = datetime(2026, 10, 2, tzinfo=UTC)
    assert [d.period.label for d in due_runs(s, later, {"2026-06": "2026-07-01T06:00:00+00:00"})] == [
        "2026-07",
        "2026-08",
        "2026-09",
    ]
    # several occurrences covering one period count once, at the first
    daily = _sched(tmp_path, 'cron: "0 6 * * *"\ncovers: current_quarter\nstart: 2026-07-01\n', "d")
    due = due_runs(daily, datetime(2026, 10, 3, 12, tzinfo=UTC), {})
    assert [(d.period.label, d.due_at.date().isoformat()) for d in due] == [
        ("2026Q3", "2026-07-01"),
        ("2026Q4", "2026-10-01"),
    ]
    assert covered_period("previous_year", datetime(2026, 1, 5)).label == "2025"
    assert covered_period("current_month", datetime(2026, 1, 5)).label == "2026-01"


# -- e-mail -----------------------------------------------------------------------------------------
def _doc() -> dict:
    return {
        "workspace": {"name_zh": "測試銀行", "name_en": "Test Bank"},
        "schedule": "q",
        "description": "",
        "period": "2026Q3",
        "period_start": "2026-07-01",
        "period_end": "2026-09-30",
        "due_at": "2026-10-05T06:00:00+08:00",
        "late": True,
        "max_delay": "2d",
        "counts": {"runs": 2, "succeeded": 1, "failed": 1},
        "errors": [],
        "runs": [
            {
                "system_id": "a",
                "template": "t",
                "status": "succeeded",
                "run_id": 7,
                "version": 1,
                "link": "https://x/2026Q3/a/t/v1/report.html",
                "error": "",
            },
            {
                "system_id": "b",
                "template": "t",
                "status": "failed",
                "run_id": 8,
                "version": 1,
                "link": None,
                "error": "cell 2: ValueError: A12*****89",
            },
        ],
    }


def test_send_mail_through_a_real_smtp_server_and_its_failures(tmp_path, monkeypatch):
    subject, text = compose(_doc(), "https://x/2026Q3/_schedules/q.json")
    assert subject == "[govreport] q 2026Q3：成功 1 件、失敗 1 件（逾時執行） / 1 succeeded, 1 failed (late)"
    port = free_port()
    smtp = SmtpSettings(host="127.0.0.1", port=port, security="none", sender="gov@bank.example", timeout=3)
    with pytest.raises(NotifyFailed, match=f"cannot reach SMTP server 127.0.0.1:{port}"):
        send_mail(smtp, ["a@bank.example"], [], subject, text)
    with Inbox(port, refuse="nobody@bank.example") as inbox:
        send_mail(smtp, ["a@bank.example"], ["c@bank.example"], subject, text)
        with pytest.raises(
            NotifyFailed, match=r"refused recipient\(s\): nobody@bank.example \(550 5.1.1 no such mailbox\)"
        ):
            send_mail(smtp, ["nobody@bank.example"], [], subject, text)
        secret = smtp.model_copy(
            update={"password_env": "GOVREPORT_TEST_SMTP_PW", "username_env": "GOVREPORT_TEST_SMTP_U"}
        )
        monkeypatch.delenv("GOVREPORT_TEST_SMTP_U", raising=False)
        with pytest.raises(NotifyFailed, match="GOVREPORT_TEST_SMTP_U .* is not set"):
            send_mail(secret, ["a@bank.example"], [], subject, text)
    assert len(inbox.messages) == 1
    rcpts, msg = inbox.messages[0]
    assert rcpts == ["a@bank.example", "c@bank.example"] and msg["Cc"] == "c@bank.example"
    assert msg["Subject"] == subject and msg["From"] == "gov@bank.example"
    b = body(msg)
    zh, en = b.index("測試銀行：AI 治理排程執行結果"), b.index("Test Bank: scheduled AI-governance runs")
    assert zh < en  # Chinese first
    assert "涵蓋期間：2026Q3（2026-07-01 至 2026-09-30）" in b and "recorded as late" in b
    assert "✓ a/t v1 (RUN_ID 7): https://x/2026Q3/a/t/v1/report.html" in b
    assert "✗ b/t (RUN_ID 8) 失敗 failed: cell 2: ValueError: A12*****89" in b


# -- install ----------------------------------------------------------------------------------------
def test_install_prints_crontab_line_and_writes_systemd_units(tmp_path):
    ws = make_ws(tmp_path, {}, {})
    r = govreport(ws, "schedule", "install", "--every", "10")
    assert r.returncode == 0, r.stderr
    line = r.stdout.strip()
    assert line.startswith("*/10 * * * * cd ") and "-m govreport schedule run-due --quiet --workspace" in line
    assert str(ws.root) in line and ".govreport/schedule.log 2>&1" in line
    units = tmp_path / "units"
    r = govreport(ws, "schedule", "install", "--systemd", "--write", "--dir", str(units))
    assert r.returncode == 0, r.stderr
    service = next(units.glob("govreport-ws-*.service")).read_text()
    timer = next(units.glob("govreport-ws-*.timer")).read_text()
    assert (
        f"ExecStart={sys.executable} -m govreport schedule run-due --quiet --workspace {ws.root}" in service
    )
    assert "Type=oneshot" in service and "OnCalendar=*:0/5" in timer and "Persistent=true" in timer
    assert "enable --now govreport-ws-" in r.stdout


# -- a run-due killed mid-run is resumed, exactly once --------------------------------------------------
@pytest.mark.slow
def test_a_killed_run_due_is_resumed_by_the_next_call(tmp_path):
    ws = make_ws(
        tmp_path,
        {"hi": HIGH},
        {"q": 'cron: "0 6 5 1,4,7,10 *"\ncovers: previous_quarter\ntemplates: [tiny]\nstart: 2026-10-01\n'},
    )
    cmd = [
        sys.executable,
        "-m",
        "govreport",
        "schedule",
        "run-due",
        "-w",
        str(ws.root),
        "--now",
        "2026-10-05T06:10+08:00",
    ]
    proc = subprocess.Popen(
        cmd, env={**os.environ, "TINY_SLEEP": "120"}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    store = open_store(ws)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list((ws.reports_dir / ".staging").glob("*/worker.json")):
        time.sleep(0.5)
    assert [c["period"] for c in store.claims()] == ["2026Q3"]
    proc.send_signal(signal.SIGKILL)  # the machine goes down mid-run
    proc.wait(timeout=30)
    assert not (ws.reports_dir / "2026Q3/_schedules/q.json").exists()
    r = govreport(ws, "schedule", "list", "--now", "2026-10-05T06:20+08:00")
    assert "claimed, no summary yet (still running, or resumed by the next run-due): 2026Q3" in r.stdout

    r = govreport(ws, "schedule", "run-due", "--now", "2026-10-05T06:20+08:00")
    assert r.returncode == 0, r.stderr
    assert "q 2026Q3 (resumed): 1 succeeded, 0 failed" in r.stdout
    assert "recorded an interrupted earlier run: hi/tiny 2026Q3" in r.stderr
    doc = json.loads((ws.reports_dir / "2026Q3/_schedules/q.json").read_text())
    assert doc["resumed_from"].endswith(f":{proc.pid}:" + doc["resumed_from"].rsplit(":", 1)[-1])
    assert [(x.status, x.version) for x in store.records(system_id="hi")] == [
        ("interrupted", 1),
        ("succeeded", 2),
    ]
    assert sorted(c["schedule"] for c in store.claims()) == ["q", "q#done", "q#resume1"]
    r = govreport(ws, "schedule", "run-due", "--now", "2026-10-05T06:30+08:00")
    assert r.returncode == 0 and "Nothing is due." in r.stdout
    assert len(store.records(system_id="hi")) == 2


@pytest.mark.slow
def test_scheduled_run_records_missing_data_as_that_systems_failure_and_runs_the_others(tmp_path):
    """Unlike a manual `govreport run` (which starts nothing), a schedule records a missed period."""
    ws = make_ws(
        tmp_path,
        {"hi": HIGH, "lo": HIGH},
        {"q": 'cron: "0 6 5 1,4,7,10 *"\ncovers: previous_quarter\ntemplates: [tiny]\nstart: 2026-10-01\n'},
    )
    for sid in ("hi", "lo"):
        f = ws.systems_dir / f"{sid}.yaml"
        f.write_text(
            f.read_text(encoding="utf-8") + "\ndatasets:\n  - {name: chats, role: conversations, "
            f'path: "data/{sid}_{{period}}.csv"}}\n',
            encoding="utf-8",
        )
    (ws.root / "data" / "lo_2026Q3.csv").write_text("x\n1\n", encoding="utf-8")
    r = govreport(ws, "schedule", "run-due", "--now", "2026-10-05T06:10+08:00")
    assert r.returncode == 1, r.stderr  # a run failed: exit 1, not 2
    assert "q 2026Q3: 1 succeeded, 1 failed" in r.stdout, r.stdout
    recs = {x.system_id: x for x in open_store(ws).records()}
    assert recs["lo"].status == "succeeded"
    assert (
        recs["hi"].status == "failed"
        and "dataset 'chats' not found at data/hi_2026Q3.csv" in recs["hi"].error
    )


# -- a simulated year -------------------------------------------------------------------------------
@pytest.mark.slow
def test_a_simulated_year_runs_each_period_exactly_once(tmp_path):
    """Two schedules over 2026 with real Papermill runs: on-time runs, a planted failure, SMTP down then
    up (the failed notification retried and delivered), a machine off from February to October caught up
    by two concurrent `run-due` processes, oldest first and late; exactly one run per schedule and period."""
    port = free_port()
    ws = make_ws(
        tmp_path, {"hi": HIGH, "lo": LOW}, {"monthly": MONTHLY, "quarterly": QUARTERLY}, smtp_port=port
    )

    # 5 Jan: the 2025Q4 review is due (hi, lo: a low-tier system is reviewed in December's quarter); SMTP is
    # down
    r = govreport(ws, "schedule", "run-due", "--now", "2026-01-05T06:30+08:00")
    assert r.returncode == 1, r.stderr  # a run failed and the notification failed: both recorded
    assert "quarterly 2025Q4: 2 succeeded, 1 failed" in r.stdout
    assert (
        "notification failed (retried on the next call): quarterly 2025Q4: cannot reach SMTP server"
        in r.stderr
    )
    summary = json.loads((ws.reports_dir / "2025Q4/_schedules/quarterly.json").read_text())
    assert {(x["system_id"], x["template"], x["status"]) for x in summary["runs"]} == {
        ("hi", "tiny", "failed"),
        ("lo", "tiny", "succeeded"),
        ("_portfolio", "review", "succeeded"),
    }
    assert "planted failure of hi in 2025Q4" in next(
        x["error"] for x in summary["runs"] if x["system_id"] == "hi"
    )
    assert summary["late"] is False and summary["notification"]["status"] == "failed"
    assert summary["notification"]["attempts"] == 1
    assert (ws.state_dir / "notify/pending/quarterly__2025Q4.json").is_file()

    # an hour later: nothing new is due; the notification is retried and fails again
    r = govreport(ws, "schedule", "run-due", "--now", "2026-01-05T07:30+08:00")
    assert r.returncode == 1 and "Nothing is due." in r.stdout and "quarterly 2025Q4" in r.stderr
    summary = json.loads((ws.reports_dir / "2025Q4/_schedules/quarterly.json").read_text())
    assert summary["notification"]["attempts"] == 2

    with Inbox(port) as inbox:
        # 1 Feb: the SMTP server is up; January's monitoring runs, the pending mail is delivered first
        r = govreport(ws, "schedule", "run-due", "--now", "2026-02-01T06:05+08:00")
        assert r.returncode == 0, r.stderr
        assert "monthly 2026-01: 1 succeeded, 0 failed" in r.stdout
        assert [m["Subject"].split("：")[0] for _, m in inbox.messages] == [
            "[govreport] quarterly 2025Q4",
            "[govreport] monthly 2026-01",
        ]
        rcpts, q4 = inbox.messages[0]
        assert rcpts == ["board@bank.example", "ops@bank.example"]
        text = body(q4)
        assert "成功 2 件，失敗 1 件" in text and "Result: 2 succeeded, 1 failed." in text
        assert "✗ hi/tiny" in text and "planted failure of hi in 2025Q4" in text
        assert "https://intranet.bank.example/reports/2025Q4/lo/tiny/v1/report.html" in text
        assert "https://intranet.bank.example/reports/2025Q4/_schedules/quarterly.json" in text
        summary = json.loads((ws.reports_dir / "2025Q4/_schedules/quarterly.json").read_text())
        assert summary["notification"]["status"] == "sent" and summary["notification"]["attempts"] == 3
        assert not list((ws.state_dir / "notify/pending").glob("*"))

        # the machine was off from February to 20 October: two run-due processes start at the same moment
        cmd = [
            sys.executable,
            "-m",
            "govreport",
            "schedule",
            "run-due",
            "-w",
            str(ws.root),
            "--now",
            "2026-10-20T09:00+08:00",
        ]
        procs = [
            subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)
        ]
        outs = [p.communicate(timeout=900) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], [o[1][-2000:] for o in outs]
        ran = [line for out, _ in outs for line in out.splitlines() if " succeeded, " in line]
        assert len(ran) == 11 and all("(late)" in line for line in ran)  # 8 months and 3 quarters, each once
        # the two really raced: one of them found a claim taken by the other and left that schedule to it
        assert any("claimed by another run-due" in out for out, _ in outs), outs
        print(
            "run-due processes ran", [sum(" succeeded, " in x for x in out.splitlines()) for out, _ in outs]
        )

        # 5 Jan 2027: October and November caught up (late), December and 2026Q4 on time
        r = govreport(ws, "schedule", "run-due", "--now", "2027-01-05T06:30+08:00")
        assert r.returncode == 0, r.stderr
        assert "quarterly 2026Q4: 3 succeeded, 0 failed" in r.stdout
        r = govreport(ws, "schedule", "run-due", "--now", "2027-01-05T06:45+08:00")
        assert r.returncode == 0 and "Nothing is due." in r.stdout
    assert len(inbox.messages) == 2 + 11 + 4

    store = open_store(ws)
    claims = store.claims()
    months = [f"2026-{m:02d}" for m in range(1, 13)]
    quarters = ["2025Q4", "2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    by_sched = {s: [c for c in claims if c["schedule"] == s] for s in ("monthly", "quarterly")}
    assert sorted(c["period"] for c in by_sched["monthly"]) == months
    assert sorted(c["period"] for c in by_sched["quarterly"]) == quarters
    late = {(c["schedule"], c["period"]): bool(c["late"]) for c in claims}
    assert {(s, p) for (s, p) in late if not s.endswith("#done")} == {  # every one finished, none resumed
        (s.removesuffix("#done"), p) for (s, p) in late if s.endswith("#done")
    }
    assert [late["monthly", m] for m in months] == [False] + [True] * 10 + [False]
    assert [late["quarterly", q] for q in quarters] == [False, True, True, True, False]
    for rows in by_sched.values():  # oldest first: claimed in the order they fell due
        ordered = sorted(rows, key=lambda c: c["claimed_at"])
        assert [c["due_at"] for c in ordered] == sorted(c["due_at"] for c in rows)

    records = store.records()
    counts = Counter((r.system_id, r.period, r.template) for r in records)
    assert max(counts.values()) == 1, [k for k, v in counts.items() if v > 1]  # never run twice
    assert set(counts) == (
        {("hi", p, "tiny") for p in months + quarters}
        | {("lo", "2025Q4", "tiny"), ("lo", "2026Q4", "tiny")}  # the tier rule: yearly
        | {("_portfolio", q, "review") for q in quarters}
    )
    assert store.verify() == []
    for s, periods in (("monthly", months), ("quarterly", quarters)):
        for p in periods:
            doc = json.loads((ws.reports_dir / p / "_schedules" / f"{s}.json").read_text())
            assert doc["notification"]["status"] == "sent", (s, p)
            assert doc["late"] == late[s, p]

    r = govreport(ws, "schedule", "list", "--now", "2027-01-05T06:45+08:00", "--json")
    rows = {x["name"]: x for x in json.loads(r.stdout)}
    assert rows["monthly"]["next"][0] == {"at": "2027-02-01T06:00:00+08:00", "period": "2027-01"}
    assert rows["quarterly"]["next"][0]["period"] == "2027Q1" and rows["quarterly"]["due"] == []
    assert rows["quarterly"]["last"] == {
        "period": "2026Q4",
        "due_at": "2027-01-05T06:00:00+08:00",
        "late": False,
    }


# -- the packaged schedule on the demo, with the real templates ---------------------------------------
@pytest.mark.slow
def test_packaged_quarterly_review_runs_on_the_demo(demo_workspace, tmp_path):
    root = tmp_path / "demo"
    shutil.copytree(demo_workspace.root, root)
    ws = Workspace.load(root)
    schedules, errors, _ = load_schedules(ws)  # `govreport demo` builds on `init`: the packaged quarterly one
    assert errors == [] and set(schedules) == {"review-quarterly"}  # the demo's data is quarterly: no monthly
    inv = Inventory.load(ws)
    q3 = parse_period("2026Q3")
    expected = [
        s.id for s in inv.ordered() if s.lifecycle != "retired" and review_falls_due(s.tier.review_months, q3)
    ]
    assert expected and len(expected) < len(inv.systems)  # the tier rule leaves some systems for later

    r = govreport(ws, "schedule", "run-due", "--now", "2026-10-10T07:05+08:00")
    assert r.returncode == 0, r.stderr[-3000:]
    doc = json.loads((ws.reports_dir / "2026Q3/_schedules/review-quarterly.json").read_text())
    assert doc["systems"] == expected and doc["late"] is False and doc["counts"]["failed"] == 0
    ran = {(x["system_id"], x["template"]) for x in doc["runs"]}
    assert {sid for sid, _ in ran} == {*expected, "_portfolio"}
    assert ("_portfolio", "sustainability") in ran and ("_portfolio", "review") in ran
    for x in doc["runs"]:
        assert x["version"] == 2 and (ws.root / x["report"]).is_file()  # the demo's own run is v1, kept
    review_run = next(x for x in doc["runs"] if x["template"] == "review")
    assert review_run["run_id"] == max(x["run_id"] for x in doc["runs"])  # the review runs last
    assert open_store(ws).verify() == []
