"""Messages of the generative-AI conversation review (zh-TW, English)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "genai.section.log": (
        "對話紀錄與資料品質（第7、10條）",
        "The conversation log and its data quality (Art. 7, 10)",
    ),
    "genai.log.title": ("本期對話紀錄", "This period's conversation log"),
    "genai.log.file": ("檔案", "File"),
    "genai.log.lines": ("行數", "Lines"),
    "genai.log.turns": ("可讀取之對話輪次", "Readable turns"),
    "genai.log.conversations": ("對話數", "Conversations"),
    "genai.log.malformed": (
        "{n} 行格式錯誤，已略過（第 {lines} 行）；其餘資料照常檢查。",
        "{n} malformed line(s) skipped (line {lines}); the rest was assessed.",
    ),
    "genai.log.encoding": (
        "{n} 行非 UTF-8 編碼，已以 {enc} 解碼（第 {lines} 行）。",
        "{n} line(s) were not UTF-8 and were decoded as {enc} (line {lines}).",
    ),
    "genai.log.replaced": (
        "{n} 行無法解碼，以替代字元讀入（第 {lines} 行）。",
        "{n} line(s) could not be decoded and were read with replacement characters (line {lines}).",
    ),
    "genai.log.bom": (
        "{n} 行開頭含 UTF-8 位元組順序標記（BOM），已移除。",
        "{n} line(s) began with a UTF-8 byte-order mark (BOM), removed.",
    ),
    "genai.log.empty": (
        "{n} 則空白對話未納入逐則檢查（無內容 {none} 則、助理未回覆 {noasst} 則）：{ids}。",
        "{n} empty conversation(s) left out of the per-conversation checks ({none} without turns, "
        "{noasst} without an assistant turn): {ids}.",
    ),
    "genai.log.clean": (
        "紀錄檔每一行皆可讀取，無格式或編碼問題。",
        "Every line of the log was readable; no format or encoding problem.",
    ),
    "genai.log.more": ("等，共 {n} 項", "and more, {n} in all"),
    "genai.vendor.title": (
        "第三方供應商軌跡紀錄留存聲明（第10條）",
        "Vendor's trace-log attestation (Art. 10)",
    ),
    "genai.vendor.name": ("供應商", "Vendor"),
    "genai.vendor.provided": ("聲明", "Attestation"),
    "genai.vendor.yes": ("已提供", "provided"),
    "genai.vendor.no": ("未提供", "not provided"),
    "genai.vendor.date": ("聲明日期", "Dated"),
    "genai.vendor.age": ("距本期末", "Age at the end of the period"),
    "genai.vendor.document": ("文件編號", "Document"),
    "genai.vendor.clauses": ("契約條款", "Contract clauses"),
    "genai.vendor.approved": ("委外核准", "Outsourcing approved"),
    "genai.vendor.none": (
        "本系統非第三方提供，無需供應商聲明。",
        "Not a third-party system: no vendor attestation is needed.",
    ),
    "genai.vendor.missing": (
        "供應商未提供軌跡紀錄留存聲明：請於下期檢視前取得（第10條）。",
        "The vendor has not provided a trace-log attestation: obtain it before the next review (Art. 10).",
    ),
    "genai.vendor.stale": (
        "聲明日期距本期末已逾一年，請要求供應商更新。",
        "The attestation is more than a year old at the end of the period: ask the vendor to renew it.",
    ),
    "genai.vendor.ok": (
        "本期所檢視之對話紀錄由供應商依上述聲明留存。",
        "The transcripts reviewed here are kept by the vendor under this attestation.",
    ),
    "genai.section.checks": ("對話輸出檢查（第8、11、13條）", "Output checks (Art. 8, 11, 13)"),
    "genai.section.service": (
        "服務品質：拒答、轉接真人與回覆時間（第13條）",
        "Service: refusals, hand-overs and reply time (Art. 13)",
    ),
    "genai.service.lead": (
        "拒答比率為助理婉拒回答之比率；轉接比率為轉由真人處理之對話比率；回覆時間取自紀錄之 "
        "latency_ms（或時間戳記）。",
        "The refusal rate is the share of replies in which the assistant declined; the escalation rate the "
        "share of conversations handed to a person; reply time comes from latency_ms (or the timestamps).",
    ),
    "genai.section.trend": ("歷期趨勢", "Trend over periods"),
    "genai.trend.checks": ("輸出檢查指標歷期變化", "Output checks over periods"),
    "genai.trend.service": ("服務品質指標歷期變化", "Service indicators over periods"),
    "genai.section.examples": (
        "未通過檢查之對話範例（個資已遮罩）",
        "Examples of failing turns (personal data masked)",
    ),
    "genai.examples.lead": (
        "每項檢查最多列出三則；個人資料（身分證、卡號、電話、電子郵件、帳號）一律遮罩。",
        "At most three per check; personal data (national IDs, card numbers, phones, e-mail, "
        "account numbers) is always masked.",
    ),
    "genai.ex.pii_leak": ("個資外洩（第8條）", "Personal data in replies (Art. 8)"),
    "genai.ex.no_disclosure": ("未揭露 AI 身分（第11條）", "No AI disclosure (Art. 11)"),
    "genai.ex.no_alternative": ("未提供真人替代方案（第11條）", "No human alternative offered (Art. 11)"),
    "genai.ex.prohibited": ("違規陳述（第13條）", "Prohibited statements (Art. 13)"),
    "genai.ex.ungrounded": ("回覆缺乏依據（第13條）", "Ungrounded answers (Art. 13)"),
    "genai.ex.refusal": ("拒答（第13條）", "Refusals (Art. 13)"),
    "genai.section.methods": ("方法與門檻", "Methods and thresholds"),
    "genai.methods.rules": (
        "違規陳述樣態：{n} 條（來源：{sources}）；否定語句（如「不保證獲利」）不計。",
        "Prohibited-statement patterns: {n} (from {sources}); negated phrases such as "
        "'not guaranteed' do not count.",
    ),
    "genai.methods.grounded": (
        "依據一致度：有標準答案者以字元雙字組 F1 "
        "比對；無標準答案者以字元雙字組涵蓋率比對核准知識庫（{kb}）中 BM25 檢索排名第一之段落；"
        "低於 {cut} 者列為缺乏依據。此方法不需斷詞，適用中文。",
        "Groundedness: character-bigram F1 against the reference answer where there is one; otherwise "
        "character-bigram containment in the passage of the approved knowledge base ({kb}) that BM25 ranks "
        "first; answers under {cut} are "
        "listed as ungrounded. It needs no word segmentation, so it works on Chinese.",
    ),
    "genai.methods.nokb": ("未設定", "none configured"),
    "genai.methods.numbers": (
        "數字陳述：自每則回答擷取金額、利率、日期、時間、期間與次數（阿拉伯、全形及中文數字），依單位與前後文字比對標準答案，"
        "或知識庫中 BM25 檢索排名第一之段落；同一數量而數值不同者為錯誤，來源未述及者為無依據。",
        "Numeric claims: every amount, rate, date, time, duration and count in an answer (Arabic, full-width "
        "and Chinese numerals) is matched by unit and surrounding words against the reference answer, or the "
        "knowledge-base passage BM25 ranks first; the same quantity with another value is a contradiction, "
        "one the source does not state is unsupported.",
    ),
    "genai.section.numbers": ("數字陳述與依據對照（第13條）", "Numeric claims beside their source (Art. 13)"),
    "genai.numbers.lead": (
        "費用、利率、日期或時間說錯是助理最昂貴的錯誤：下列回答所述數字與標準答案或知識庫段落不符（錯誤），或找不到依據"
        "（無依據）；左為回答，右為比對之依據，個人資料已遮罩。",
        "A wrong fee, rate, date or time is an assistant's costliest mistake: these answers state a number "
        "that contradicts their reference answer or knowledge-base passage, or that no source states; the "
        "answer on the left, the source it was checked against on the right, personal data masked.",
    ),
    "genai.numbers.contradicting": ("數字錯誤", "Contradicting the source"),
    "genai.numbers.unsupported": ("數字無依據", "Not stated by the source"),
    "genai.numbers.conversation": ("對話", "Conversation"),
    "genai.numbers.answer": ("回答（已遮罩）", "Answer (masked)"),
    "genai.numbers.claim": ("所述數字 → 依據所載", "Claimed → stated"),
    "genai.numbers.source": ("依據", "Source"),
    "genai.numbers.none": (
        "本期回答所述數字皆與依據相符。",
        "Every number checked this period agrees with its source.",
    ),
    "genai.numbers.notchecked": (
        "本期無可比對之數字陳述（無標準答案亦無知識庫）。",
        "No numeric claim could be checked this period (no reference answers, no knowledge base).",
    ),
}
