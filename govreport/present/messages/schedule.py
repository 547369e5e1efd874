"""Messages of schedules: the notification e-mail and the `govreport schedule` commands (zh-TW, English)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "schedule.mail.subject": (
        "[govreport] {schedule} {period}：成功 {ok} 件、失敗 {failed} 件",
        "{ok} succeeded, {failed} failed",
    ),
    "schedule.mail.subject.late": ("（逾時執行）", " (late)"),
    "schedule.mail.title": ("{bank}：AI 治理排程執行結果", "{bank}: scheduled AI-governance runs"),
    "schedule.mail.schedule": ("排程：{schedule}", "Schedule: {schedule}"),
    "schedule.mail.period": (
        "涵蓋期間：{period}（{start} 至 {end}）",
        "Period covered: {period} ({start} to {end})",
    ),
    "schedule.mail.due": ("應執行時間：{due}", "Due at: {due}"),
    "schedule.mail.late": (
        "本次為補行執行，已逾允許延遲（{delay}），已記錄為逾時。",
        "This run was caught up after its allowed delay ({delay}) and is recorded as late.",
    ),
    "schedule.mail.counts": (
        "結果：成功 {ok} 件，失敗 {failed} 件。",
        "Result: {ok} succeeded, {failed} failed.",
    ),
    "schedule.mail.runs": ("各項執行：", "Runs:"),
    "schedule.mail.none": (
        "本期無符合此排程之系統或範本。",
        "No system or template matched this schedule for the period.",
    ),
    "schedule.mail.failed": ("失敗", "failed"),
    "schedule.mail.succeeded": ("成功", "succeeded"),
    "schedule.mail.summary": ("摘要檔（JSON）：{path}", "Summary (JSON): {path}"),
    "schedule.mail.footer": (
        "本郵件由 govreport 依「金融機構運用人工智慧技術作業規範」第13、15條定期檢視排程自動寄發；"
        "執行紀錄見證據庫（第10條）。",
        "Sent by govreport for the periodic reviews of the TBA AI norms (Art. 13, 15); every run "
        "is recorded in the evidence store (Art. 10).",
    ),
    "schedule.list.none": ("scheduled/ 中沒有排程檔。", "No schedule files in scheduled/."),
    "schedule.list.disabled": ("（已停用）", "(disabled)"),
    "schedule.list.due": ("目前應執行 {n} 期：{periods}", "due now: {n} period(s): {periods}"),
    "schedule.list.last": ("最近一次：{period}（{when}{late}）", "last: {period} ({when}{late})"),
    "schedule.run.nothing": ("目前沒有應執行的排程。", "Nothing is due."),
    "schedule.run.ran": (
        "{schedule} {period}{late}：成功 {ok} 件、失敗 {failed} 件；摘要 {path}",
        "{schedule} {period}{late}: {ok} succeeded, {failed} failed; summary {path}",
    ),
    "schedule.run.elsewhere": (
        "{schedule} {period}：已由另一個 run-due 執行中",
        "{schedule} {period}: claimed by another run-due",
    ),
    "schedule.run.notify_failed": (
        "通知寄送失敗（下次執行時重試）：{schedule} {period}：{error}",
        "notification failed (retried on the next call): {schedule} {period}: {error}",
    ),
    "schedule.run.notify_sent": ("已通知 {to}：{schedule} {period}", "notified {to}: {schedule} {period}"),
}
