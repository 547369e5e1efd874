"""core — the vocabulary every other package shares, defined once and depending on nothing but ``errors``:
periods, statuses and thresholds (+ RunStatus and the portfolio pseudo-system), the results.json schema,
packaged resources, YAML loading, file helpers (atomic write, SHA-256, time, URL masking), process output.

Contract: no module here imports any other govreport package (import-linter checks it).
"""
