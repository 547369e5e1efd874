"""Messages of the periodic review's Word edition (:mod:`govreport.publish.review_docx`)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "docx.toc": ("目錄", "Contents"),
    "docx.toc.hint": (
        "（於 Word 中按右鍵選「更新功能變數」以產生目錄）",
        "(in Word, right-click and choose “Update field” to build the table of contents)",
    ),
    "docx.page": ("第 {page} 頁，共 {pages} 頁", "Page {page} of {pages}"),
    "docx.edition": (
        "可編輯版本：由 govreport 依證據庫之 review.json 產製；數值以 HTML 報告為準。",
        "Editable edition built by govreport from the evidence store's review.json; the HTML "
        "report is the reference for every figure.",
    ),
    "docx.chart.missing": (
        "（本機無 Chromium，未嵌入圖表；請見 HTML 報告 {where}）",
        "(no Chromium on this machine, so the chart is not embedded; see the HTML report {where})",
    ),
    "docx.signoff.recorded": ("已記錄之簽核", "Recorded sign-offs"),
    "docx.signoff.none": (
        "尚無已記錄之簽核；請以 govreport signoff 記錄，或於下表簽名。",
        "No sign-off recorded yet; record one with `govreport signoff`, or sign the table below.",
    ),
    "docx.signoff.stale": ("已失效（檢視報告已重新產製）", "stale (the review was re-run since)"),
    "docx.signoff.time": ("簽核時間", "Signed at"),
    "docx.signoff.version": ("檢視版本", "Review version"),
    "docx.chain": ("證據鏈頭：序號 {seq}，雜湊 {hash}", "Evidence chain head: record {seq}, hash {hash}"),
    "docx.key": ("簽章金鑰指紋：{fingerprint}", "Signing key fingerprint: {fingerprint}"),
    "docx.trend.none": ("僅一期資料，無歷期趨勢。", "One period only: no trend yet."),
}
