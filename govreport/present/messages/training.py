"""Messages of the training-data audit (``data_quality`` report, ``model_risk`` summary): zh-TW, English.

One plain sentence per indicator (``training.sentence.<indicator>``; ``…​.flag`` when it names a problem)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "training.title": ("訓練資料稽核", "Training-data audit"),
    "training.lead": (
        "模型所學習之資料是否適當且具代表性（第6、7條），為上線前評估之依據（第12條）。每一模型版本及其訓練資料"
        "（SHA-256）記錄一次；與本期評分資料之比較則每期進行。範例值已遮罩。",
        "Is the data the model learnt from suitable and representative (Art. 6, 7)? It is the evidence the "
        "pre-launch review needs (Art. 12). Recorded once per model version and training data (SHA-256); "
        "compared with each period's scoring data every period. Example values are masked.",
    ),
    "training.version": (
        "模型版本 {version} · 訓練資料 {rows} 筆 · SHA-256 {sha}… · 記錄於 {recorded}",
        "Model version {version} · {rows} training rows · SHA-256 {sha}… · recorded in {recorded}",
    ),
    "training.none": (
        "本系統未宣告訓練資料（role: training），未進行訓練資料稽核。",
        "The system declares no training set (role: training): no training-data audit.",
    ),
    "training.per_version": ("依模型版本（僅訓練資料）", "Per model version (the training data alone)"),
    "training.per_period": (
        "本期（訓練資料對照本期評分資料）",
        "This period (training vs. this period's scoring data)",
    ),
    "training.examples": ("範例（已遮罩）", "Examples (masked)"),
    "training.summary.lead": (
        "訓練資料稽核摘要；完整內容（含範例）見本期「資料品質」報告。",
        "A summary of the training-data audit; the full audit, with examples, is this period's data-quality "
        "report.",
    ),
    "training.summary.green": (
        "其餘 {n} 項訓練資料指標皆為綠燈。",
        "The other {n} training-data indicators are green.",
    ),
    "training.sentence.label_balance": (
        "訓練標籤中有利結果占 {fav}；較少之類別占 {minority}。",
        "{fav} of the training labels are favourable; the smaller class is {minority}.",
    ),
    "training.sentence.label_rate_by_group": (
        "{attr}：訓練標籤之有利比率，最低群組「{lo}」為最高群組「{hi}」之 {ratio} 倍"
        "（五分之四法則：至少 0.80）。",
        "{attr}: in the training labels, the favourable rate of group '{lo}' is {ratio} times that of "
        "'{hi}' (four-fifths rule: at least 0.80).",
    ),
    "training.sentence.label_rate_by_group.flag": (
        "{attr}：訓練標籤之有利比率，「{lo}」僅為「{hi}」之 {ratio} 倍，低於五分之四法則；"
        "模型可能學到此歷史偏差。",
        "{attr}: in the training labels, group '{lo}' has a favourable rate only {ratio} times that of "
        "'{hi}', below the four-fifths rule; the model can learn this historical bias.",
    ),
    "training.sentence.differential_missingness": (
        "{attr}：各群組之缺值比率差距最大為 {gap}（{feature}）。",
        "{attr}: missing shares differ between groups by at most {gap} ({feature}).",
    ),
    "training.sentence.differential_missingness.flag": (
        "{attr}：特徵 {feature} 於「{hi}」群組缺值 {hs}，於「{lo}」群組僅 {ls}；"
        "此群組的資料較不完整，模型對其之判斷較不可靠。",
        "{attr}: feature {feature} is missing for {hs} of group '{hi}' but {ls} of group '{lo}'; the model "
        "learns less about that group.",
    ),
    "training.sentence.label_leakage": (
        "單一特徵最高 AUC 為 {auc}（{feature}）；無特徵單獨即可預測標籤。",
        "The highest single-feature AUC is {auc} ({feature}); no feature predicts the label on its own.",
    ),
    "training.sentence.label_leakage.flag": (
        "特徵 {features} 單獨即幾乎完全預測標籤（AUC {auc}），疑為標籤洩漏：請確認其於決策時點即已可得。",
        "Feature(s) {features} predict the label almost perfectly on their own (AUC {auc}): a likely label "
        "leak — check that the value is known at decision time.",
    ),
    "training.sentence.group_coverage": (
        "{attr}：各群組於訓練資料之占比至少為其評分占比之 {ratio} 倍（最低：「{group}」）。",
        "{attr}: every group's training share is at least {ratio} times its scoring share "
        "(lowest: '{group}').",
    ),
    "training.sentence.group_coverage.flag": (
        "{attr}：「{group}」群組占本期評分資料 {ss}，但僅占訓練資料 {st}；模型對此群組所學不足。",
        "{attr}: group '{group}' is {ss} of this period's scoring data but {st} of the training data; the "
        "model learnt little or nothing about it.",
    ),
    "training.sentence.overlap_with_scoring": (
        "本期評分資料中 {n} 筆（{share}）亦見於訓練資料（依{basis}比對）。",
        "{n} scoring rows ({share}) also occur in the training data (compared by {basis_en}).",
    ),
    "training.sentence.overlap_with_scoring.flag": (
        "本期評分資料中 {n} 筆（{share}）與訓練資料相同（依{basis}比對）："
        "評分資料重複使用訓練資料，監控結果將過於樂觀。",
        "{n} scoring rows ({share}) are rows of the training data (compared by {basis_en}): scoring "
        "reuses training rows, so monitoring looks better than it is.",
    ),
    "training.sentence.window": (
        "訓練資料期間為 {start} 至 {end}，早於評分期間（自 {pstart} 起）{gap} 天。",
        "The training data spans {start} to {end}, {gap} days before the scoring period (from {pstart}).",
    ),
    "training.sentence.window.flag": (
        "訓練資料期間為 {start} 至 {end}，未早於評分期間（自 {pstart} 起）："
        "{rows} 筆訓練資料屬於評分期間或其後。",
        "The training data spans {start} to {end}, not before the scoring period (from {pstart}): {rows} "
        "training rows are from the scoring period or later.",
    ),
    "training.sentence.not_assessed": ("未評估：{reason}", "Not assessed: {reason}"),
    "training.basis.keys": ("鍵值欄位", "key columns"),
    "training.basis.features": ("模型特徵", "model features"),
}
