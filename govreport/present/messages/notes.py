"""The library's notes and reasons in both languages (issue 17a).

The library records its notes (results.json ``notes``, an indicator's ``note``, a summary's ``reason``, a
review's notes) as English sentences. Each entry here is one such sentence's template: its English text is
exactly what the library writes, ``{name}`` standing for a variable part, and :mod:`govreport.present.notes`
matches a recorded note against these templates when a page is rendered and writes the Chinese from the
entry that matched. A note no entry matches (an older govreport's, a bank's own template's) prints as it was.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # issue 17a
    # -- model_risk ------------------------------------------------------------------------------------
    "note.ref.no_column": (
        "參考資料無 {column} 欄位：相對參考期之 Gini 下降需要該處之標籤與分數，未評估",
        "the reference data has no {column} column: the Gini drop against it needs the label and the score "
        "there — not assessed",
    ),
    "note.ref.no_period": (
        "無含標籤與分數之參考期：Gini 下降未評估",
        "no reference period with labels and scores: Gini drop not assessed",
    ),
    "note.ref.none": (
        "無參考資料集：母體穩定度（PSI）未評估",
        "no reference dataset: drift (PSI) not assessed",
    ),
    "note.ref.no_score": (
        "參考資料無分數欄位（{score}），為評分前保存之訓練資料：已評估特徵 PSI（{n} 個特徵）與代理變數掃描；"
        "分數之 PSI 需參考資料含分數，未評估",
        "the reference data has no score column ({score}), as training data kept before scoring: the "
        "feature PSI ({n} feature(s)) and the proxy scan are assessed; the score's PSI needs the score in "
        "the reference — not assessed",
    ),
    "note.ref.no_features": (
        "特徵 {features} 不在參考資料中：其 PSI 未評估",
        "feature(s) {features} not in the reference data: their PSI is not assessed",
    ),
    "note.explain.spark_sample": (
        "可解釋性（排列重要性、理由碼）於 govreport 程序中，以自 Spark 取出之 {of} 筆評分資料中 {rows} 筆樣本"
        "計算（{how}；engine.explain_sample_rows：{cap}）：此分析需要逐筆資料",
        "explainability (permutation importance, reason codes) ran in the govreport process on a sample of "
        "{rows} of {of} scored rows pulled from Spark ({how}; engine.explain_sample_rows: {cap}): it needs "
        "the rows, not counts",
    ),
    "note.explain.engine": (
        "於 {engine} 上計算：可解釋性（排列重要性、理由碼）需要逐筆資料，於運算引擎上未評估",
        "computed on {engine}: explainability (permutation importance, reason codes) needs the rows and is "
        "not assessed on an engine",
    ),
    "note.explain.constant": ("分數為常數", "the score is constant"),
    "note.explain.no_adverse": ("資料中無不利決策", "no adverse decisions in the data"),
    "note.proxy.none": ("無可比較之特徵", "no feature could be compared"),
    "note.proxy.justified": ("已記錄使用理由：{text}", "justification recorded: {text}"),
    "note.proxy.unjustified": (
        "受保護屬性為模型特徵，且未記錄使用理由",
        "a protected attribute is a model feature and no justification is recorded",
    ),
    # -- fairness summaries withheld ------------------------------------------------------------------
    "note.fair.one_group": (
        "僅有一個群體（{group}）：無從比較",
        "only one group ({group}): there is nothing to compare",
    ),
    "note.fair.few_groups": (
        "樣本數 ≥ {n} 之群體少於兩個（{k}／{total}）；小群體僅列信賴區間，不作判定",
        "fewer than two groups have n ≥ {n} ({k} of {total}); small groups are reported with intervals, not "
        "judged",
    ),
    "note.fair.zero": (
        "受判定之群體皆無有利預測，比值為 0/0（無定義）",
        "no judged group has a favourable prediction, so the ratio is 0/0 (undefined)",
    ),
    "note.fair.rate_groups": (
        "僅 {k} 個群體之{rate}有至少 {n} 筆（{denominator}）；需要兩個群體",
        "{rate} rests on at least {n} rows ({denominator}) in only {k} group(s); it needs two",
    ),
    # -- data contracts (quality dimensions) ----------------------------------------------------------
    "note.dq.tolerance": (
        "{n} 項檢核超出套件容忍範圍：至多為黃燈",
        "{n} expectation(s) outside the suite's tolerance: at most amber",
    ),
    "note.dq.newer": (
        "資料晚於基準日（以 0 天計）",
        "the data is newer than the as-of day (counted as 0 days old)",
    ),
    "note.dq.no_reference": (
        "資料合約未設定參考資料集（representativeness:）",
        "no reference dataset in the contract (representativeness:)",
    ),
    "note.dq.age_unknown": ("無法判定資料之時效", "the age of the data could not be determined"),
    "note.dq.no_timestamp": (
        "欄位 '{column}' 無可讀取之時間",
        "column '{column}' holds no readable timestamp",
    ),
    "note.dq.no_file_time": (
        "{what} 無檔案時間：請設定 freshness.column",
        "no file time for {what}: set freshness.column",
    ),
    # -- training-data audit --------------------------------------------------------------------------
    "note.train.reused": (
        "模型版本 {version} 之訓練資料稽核沿用 {period} 之紀錄（RUN_ID {seq}）："
        "版本與訓練資料（SHA-256）相同",
        "training-data audit of model version {version} as recorded in {period} (RUN_ID {seq}): same version "
        "and training data (SHA-256)",
    ),
    "note.train.no_overlap": (
        "無鍵值欄位亦無模型特徵：與評分資料之重疊未評估",
        "no keys and no model features: overlap with the scoring data not assessed",
    ),
    "note.train.few_groups": (
        "訓練資料中至少 {n} 筆之群體少於兩個",
        "fewer than two groups with at least {n} training rows",
    ),
    "note.train.no_favourable": ("沒有任何群體有有利標籤", "no group has a favourable label"),
    "note.train.no_feature": ("無可檢查之特徵", "no feature to check"),
    "note.train.no_features": ("未宣告模型特徵", "no model features declared"),
    "note.train.no_scoring_group": (
        "評分資料中無至少 {n} 筆之群體",
        "no group with at least {n} scoring rows",
    ),
    "note.train.no_time_column": (
        "訓練資料合約未宣告時間欄位（freshness.column）",
        "the training contract declares no time column (freshness.column)",
    ),
    "note.train.no_timestamps": ("{column} 無可讀取之時間", "no readable timestamps in {column}"),
    # -- generative AI --------------------------------------------------------------------------------
    "note.genai.packaged_patterns": (
        "工作區無 genai_prohibited.yaml：採用套件內建之禁止陳述樣式。",
        "No genai_prohibited.yaml in the workspace: the packaged prohibited-statement patterns apply.",
    ),
    "note.genai.no_kb": (
        "本系統無知識庫：無標準答案之回覆不評分其依據性。",
        "No knowledge base for this system: answers without a reference answer are not scored for "
        "groundedness.",
    ),
    "note.genai.high_severity": (
        "{n} 則高嚴重度陳述：不論比率皆為紅燈",
        "{n} high-severity statement(s): red whatever the rate",
    ),
    "note.genai.ex.pii": ("助理回覆含個人資料：{kinds}", "personal data in an assistant reply: {kinds}"),
    "note.genai.ex.no_disclosure": ("第一則回覆未表明為 AI", "first reply does not say it is AI"),
    "note.genai.ex.no_alternative": (
        "客戶要求真人服務；未提供替代方案",
        "asked for a person; no alternative offered",
    ),
    "note.genai.ex.refusal": ("助理婉拒回答", "the assistant declined to answer"),
    "note.genai.ex.f1": (
        "與標準答案之雙字元 F1 為 {score} < {cut}",
        "bigram F1 {score} against the reference answer < {cut}",
    ),
    "note.genai.ex.kb": (
        "於 BM25 排名第一之知識庫段落（{passage}）雙字元涵蓋率 {score} < {cut}",
        "bigram containment {score} in the knowledge-base passage BM25 ranks first ({passage}) < {cut}",
    ),
    "note.genai.ex.no_kb": (
        "無任何知識庫段落與其有共同詞彙 < {cut}",
        "no knowledge-base passage shares a term with it < {cut}",
    ),
    # -- sustainability -------------------------------------------------------------------------------
    "note.sust.factor_fallback": (
        "{year} 年用電：{missing} 年尚無電力排碳係數，採用 {factor_year} 年係數（{kg} kgCO2e/kWh）",
        "energy used in {year}: no grid factor for {missing} yet, the {factor_year} factor ({kg} kgCO2e/kWh) "
        "is used",
    ),
    "note.sust.runs": ("{total} 次執行中 {k} 次", "{k} of {total} runs"),
    "note.sust.systems": ("{total} 個使用中系統中 {k} 個", "{k} of {total} active systems"),
    "note.sust.energy_unusable": (
        "RUN_ID {seq}：記錄之能耗數值 {kwh} 無法使用，未計入",
        "RUN_ID {seq}: the recorded energy figure {kwh} is not usable and was left out",
    ),
    "note.sust.no_start": (
        "RUN_ID {seq}：無可用之開始時間，未計入",
        "RUN_ID {seq}: no usable start time; left out",
    ),
    "note.sust.missing": (
        "RUN_ID {seq}：{path} 已不存在；其預測量與普惠金融數據未計入",
        "RUN_ID {seq}: {path} is missing; its volume and inclusion figures are left out",
    ),
    "note.sust.changed": (
        "RUN_ID {seq}：{path} 與記錄之 SHA-256 不符，未計入（請執行 `govreport evidence verify`）",
        "RUN_ID {seq}: {path} no longer matches its recorded SHA-256; left out (run `govreport evidence "
        "verify`)",
    ),
    "note.sust.unreadable": (
        "RUN_ID {seq}：{path} 無法讀取，未計入",
        "RUN_ID {seq}: {path} is unreadable; left out",
    ),
    "note.sust.record_invalid": (
        "系統紀錄 {system} 無法讀取，未計入：{error}",
        "system record {system} could not be read and is left out: {error}",
    ),
    # -- the periodic review --------------------------------------------------------------------------
    "note.review.no_earlier": (
        "證據庫中無較早之定期檢視：無可比較",
        "no earlier review in the evidence store: nothing to compare with",
    ),
    "note.review.no_run": (
        "{period} 無執行紀錄：{what}，以未評估列示",
        "no run recorded for {period}: {what} — shown as not assessed",
    ),
    "note.review.invalid": (
        "{system}：盤點紀錄無效，{error}",
        "{system}: inventory record invalid — {error}",
    ),
    "note.review.not_in_inventory": (
        "不在盤點紀錄中（systems/*.yaml）",
        "not in the inventory (systems/*.yaml)",
    ),
}

#: words inside a note's variable parts that have a Chinese name (a rate, a denominator)
TERMS: dict[str, str] = {
    "fpr": "偽陽性率",
    "tpr": "真陽性率",
    "unfavourable labels": "不利標籤",
    "favourable labels": "有利標籤",
    "national_id": "身分證字號",
    "card": "卡號",
    "phone": "電話",
    "email": "電子郵件",
    "account": "帳號",
}
