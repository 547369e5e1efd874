"""The one masker as the last line of defence (issue 19, item 2): a table of identifiers in the forms people
actually type (separators, glued to text, full-width, +886) and of look-alikes that must stay readable, in
Traditional Chinese and English. Every positive is masked *and* counted as a leak by the genai check, with the
same detector."""

from __future__ import annotations

import pytest

from govreport.assessments.genai_checks import leaked_kinds, mask_turn
from govreport.data.masking import find_identifiers, mask_text


def _fw(s: str) -> str:
    """``s`` in full-width characters (digits, letters, punctuation)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("\u3000" if c == " " else c) for c in s)


# (text, kind, the identifier as written) — each must be masked and counted
POSITIVES = [
    ("身分證 I 2685 78204 請核對", "national_id", "I 2685 78204"),
    ("ID: I268-578-204.", "national_id", "I268-578-204"),
    ("代號XI268578204Y已建檔", "national_id", "I268578204"),
    ("客戶A123456789的資料", "national_id", "A123456789"),
    ("id a123456789 (lower case)", "national_id", "a123456789"),
    ("A1234567890 is on file", "national_id", "A123456789"),
    ("身分證字號 A123.456.789", "national_id", "A123.456.789"),
    ("F231234561", "national_id", "F231234561"),
    (f"身分證{_fw('A123456789')}", "national_id", _fw("A123456789")),
    (f"身分證 {_fw('I 2685 78204')}", "national_id", _fw("I 2685 78204")),
    ("居留證 A800000014", "resident_id", "A800000014"),
    ("ARC no. A8-0000-0014", "resident_id", "A8-0000-0014"),
    ("手機 0912.345.678", "phone", "0912.345.678"),
    ("call 0912-345-678 now", "phone", "0912-345-678"),
    ("電話0912 345 678謝謝", "phone", "0912 345 678"),
    ("(0912) 345-678", "phone", "(0912) 345-678"),
    ("mobile +886 912 345 678", "phone", "+886 912 345 678"),
    ("+886-912-345-678", "phone", "+886-912-345-678"),
    ("+886 (0)912 345 678", "phone", "+886 (0)912 345 678"),
    ("市話 (02)2345-6789", "phone", "(02)2345-6789"),
    ("office 02.2345.6789", "phone", "02.2345.6789"),
    ("+886-2-2345-6789 ext 3", "phone", "+886-2-2345-6789"),
    (f"手機{_fw('0912345678')}", "phone", _fw("0912345678")),
    ("卡號 4111 1111 1111 1111", "card", "4111 1111 1111 1111"),
    ("card 4111-1111-1111-1111", "card", "4111-1111-1111-1111"),
    ("card 4111.1111.1111.1111", "card", "4111.1111.1111.1111"),
    ("卡號4111111111111111到期", "card", "4111111111111111"),
    ("Amex 3782 822463 10005", "card", "3782 822463 10005"),
    ("card 4111 1111-1111 1111 exp 2028", "card", "4111 1111-1111 1111"),
    ("5500 0000 0000 0004 2026", "card", "5500 0000 0000 0004"),
    (f"卡號{_fw('4111-1111-1111-1111')}", "card", _fw("4111-1111-1111-1111")),
    ("寄到 wang.xiaoming@example.com.tw", "email", "wang.xiaoming@example.com.tw"),
    ("Mail:john_doe+1@bank.example", "email", "john_doe+1@bank.example"),
    (f"信箱{_fw('amy@example.com')}", "email", _fw("amy@example.com")),
    ("退款帳號 0012-345-678901", "account", "0012-345-678901"),
    ("account number 12345678901234", "account", "12345678901234"),
    ("帳戶：００８１２３４５６７８９０", "account", "００８１２３４５６７８９０"),
    ("acct. 700 1234 5678 90", "account", "700 1234 5678 90"),
]

# look-alikes: must come through untouched and not be counted as leaks
LOOK_ALIKES = [
    "客服專線 0800-123-456",
    "toll-free 0800 000 123",
    "免付費 0809-090-910",
    "統一發票 AB-12345678",
    "invoice AB-12345679 dated 2026-09-30",
    "日期 2026-09-30、2026.10.01、2026/10/02",
    "訂單 A123456788",  # fails the checksum
    "order A1234 5678 8",  # fails the checksum
    "卡號 4111 1111 1111 1112",  # fails Luhn
    "reference 1234 5678 9012 3456",  # fails Luhn
    "統一編號 12345675",
    "第 3 季逾期率 12.5%，核准 1,234 件",
    "AUC 0.8123, KS 0.4567",
    "版本 v1.2.3 於 2026Q3 發布",
    "period 2026Q3 covers 2026-07-01 to 2026-09-30",
    "Your account 12345 is a reference",
    "model_risk v12 run 20261001083015",
    f"全形日期 {_fw('2026-09-30')}",
    "AI 系統 credit-card-default 的公平性",
]


@pytest.mark.parametrize(("text", "kind", "value"), POSITIVES, ids=[t for t, _, _ in POSITIVES])
def test_identifier_is_masked_and_counted(text, kind, value):
    found = find_identifiers(text)
    assert (kind, value) in found, found
    masked = mask_text(text)
    assert value not in masked and "*" in masked
    assert len(masked) == len(text)  # masking keeps positions (reports align columns on them)
    assert mask_turn(text) == masked
    assert kind in leaked_kinds(text)


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alike_is_left_alone(text):
    assert find_identifiers(text) == []
    assert mask_text(text) == text
    assert leaked_kinds(text) == []


def test_the_table_is_large_enough():
    assert len(POSITIVES) + len(LOOK_ALIKES) >= 40
    assert any("\u4e00" <= c <= "\u9fff" for t, _, _ in POSITIVES for c in t)
    assert any(t.isascii() for t, _, _ in POSITIVES) and any(not v.isascii() for _, _, v in POSITIVES)
