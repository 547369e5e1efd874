"""Messages of the static report site (``govreport publish``): zh-TW, English."""

MESSAGES: dict[str, tuple[str, str]] = {
    "site.pair": ("{v}", "{v}"),
    "site.title": ("AI 治理報告總覽", "AI governance reports"),
    "site.subtitle": (
        "{bank}：各期定期檢視報告與各 AI 系統報告（第9、10、13條）",
        "{bank}: the periodic reviews and every AI system's reports (Art. 9, 10, 13)",
    ),
    "site.lead": (
        "本站由 govreport 依證據庫產製，未重新執行任何分析。每份報告皆複製自證據庫所記錄之檔案，並經 SHA-256 "
        "核對無誤；本資料夾可直接置於檔案伺服器或內部網站，離線開啟。",
        "Built by govreport from the evidence store; nothing was re-run. Every report is a copy of the file "
        "the evidence store recorded, checked against its SHA-256; this folder works on its own from a file "
        "share or an intranet web server, with no network.",
    ),
    "site.generated": (
        "產製時間：{when}；證據庫紀錄至 RUN_ID {seq}，共 {n} 筆。",
        "Generated {when}; evidence store up to RUN_ID {seq}, {n} record(s).",
    ),
    "site.periods": ("期間：", "Periods:"),
    "site.period": ("{period} 期", "Period {period}"),
    "site.period.range": ("{start}至{end}", "{start} – {end}"),
    "site.review": ("定期檢視報告", "Periodic review"),
    "site.review.none": (
        "本期尚無定期檢視報告（請執行 govreport review --period {period}）。",
        "No periodic review for this period yet (run govreport review --period {period}).",
    ),
    "site.review.open": ("開啟報告", "Open the report"),
    "site.pdf": ("PDF（A4）", "PDF (A4)"),
    "site.pdf.zh": ("PDF 中文版（A4）", "PDF, Chinese (A4)"),
    "site.pdf.en": ("PDF 英文版（A4）", "PDF, English (A4)"),
    "site.docx.zh": ("Word 中文版（可編輯）", "Word, Chinese (editable)"),
    "site.docx.en": ("Word 英文版（可編輯）", "Word, English (editable)"),
    "site.portfolio": ("全行報告", "Portfolio reports"),
    "site.systems": ("AI 系統報告", "AI system reports"),
    "site.systems.all": ("AI 系統一覽", "All AI systems"),
    "site.col.system": ("AI 系統", "AI system"),
    "site.col.tier": ("風險等級", "Risk tier"),
    "site.col.template": ("報告類型", "Report"),
    "site.col.status": ("狀態", "Status"),
    "site.col.version": ("版本", "Version"),
    "site.col.date": ("執行日期", "Run date"),
    "site.col.hash": ("證據雜湊（SHA-256）", "Evidence hash (SHA-256)"),
    "site.col.period": ("期間", "Period"),
    "site.col.runid": ("RUN_ID", "RUN_ID"),
    "site.col.dimensions": ("第13條七大面向", "The seven Art. 13 dimensions"),
    "site.failed.reason": ("失敗原因：{reason}", "Reason: {reason}"),
    "site.failed.older": (
        "最新執行失敗；下列連結為先前成功之版本 v{version}。",
        "The latest run failed; the link is the earlier successful version v{version}.",
    ),
    "site.failed.noreport": ("無可開啟之報告。", "No report to open."),
    "site.history": ("歷期報告", "Reports over all periods"),
    "site.history.lead": (
        "證據庫中此系統之所有執行紀錄，新至舊；已發布之報告可點選開啟。",
        "Every run of this system in the evidence store, newest first; published reports open with a click.",
    ),
    "site.history.link": ("歷期紀錄", "History"),
    "site.back": ("← 回總覽", "← Back to the overview"),
    "site.notlisted": ("（已不在盤點清冊）", "(no longer in the inventory)"),
    "site.template.model_risk": ("模型風險", "Model risk"),
    "site.template.genai_review": ("生成式 AI 對話", "Generative-AI conversations"),
    "site.template.data_quality": ("資料品質與訓練資料稽核", "Data quality and training-data audit"),
    "site.template.sustainability": ("永續指標（第4條）", "Sustainability (Art. 4)"),
    "site.template.review": ("定期檢視", "Periodic review"),
    "site.status.succeeded": ("成功", "succeeded"),
    "site.footer": (
        "本站由 govreport 產製；每份報告之 SHA-256 與證據庫紀錄一致（site.json 列出所有檔案）。"
        "以 govreport evidence verify 可驗證完整雜湊鏈（第10條）。",
        "Built by govreport; every report's SHA-256 matches its evidence record (site.json lists every "
        "file). `govreport evidence verify` checks the whole hash chain (Art. 10).",
    ),
}
