"""Personal-data detection and masking (Art. 8): true and false positives, Chinese and English text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from govreport.data.masking import (
    find_identifiers,
    identifier_kind,
    looks_like_personal_data,
    luhn_valid,
    mask_text,
    mask_value,
    taiwan_id_valid,
)
from govreport.demo.build import fake_national_id

IDS = [fake_national_id(np.random.default_rng(i)) for i in range(200)]


def _with_check(prefix: str) -> str:
    """``prefix`` (9 characters) plus the check digit that makes it a valid ID."""
    return next(prefix + str(d) for d in range(10) if taiwan_id_valid(prefix + str(d)))


def test_national_id_checksum():
    assert taiwan_id_valid("A123456789")
    assert taiwan_id_valid("a123456789 ")  # case and surrounding spaces do not matter
    assert not taiwan_id_valid("A123456788")  # wrong check digit
    assert not taiwan_id_valid("A323456789")  # second digit must be 1 or 2 (8/9 for residents)
    assert (
        not taiwan_id_valid("A12345678") and not taiwan_id_valid("1234567890") and not taiwan_id_valid(None)
    )
    assert all(taiwan_id_valid(i) for i in IDS)
    # a typo in a digit of odd weight (positions 2, 6, 8 and the check digit) is always caught
    for pos in (2, 6, 8, 9):
        s = IDS[0]
        for d in "0123456789":
            if d != s[pos]:
                assert not taiwan_id_valid(s[:pos] + d + s[pos + 1 :])


def test_resident_certificates():
    new, old = _with_check("A80000001"), _with_check("AC0123456")
    assert taiwan_id_valid(new) and taiwan_id_valid(old)
    assert not taiwan_id_valid(new, resident=False) and not taiwan_id_valid(old, resident=False)
    assert identifier_kind(new) == identifier_kind(old) == "resident_id"
    assert identifier_kind("A123456789") == "national_id"


def test_luhn_and_cards():
    assert (
        luhn_valid("4111111111111111") and luhn_valid("4111-1111-1111-1111") and luhn_valid("378282246310005")
    )
    assert not luhn_valid("4111111111111112") and not luhn_valid("411111111111")  # bad digit; too short
    assert find_identifiers("Amex 3782 822463 10005 ok") == [("card", "3782 822463 10005")]
    assert find_identifiers("卡號4111111111111111，謝謝") == [("card", "4111111111111111")]
    assert find_identifiers("order 1234567812345678 and 0000000000000000") == []  # Luhn fails / no issuer


@pytest.mark.parametrize(
    "phone",
    [
        "0912-345-678",
        "0912345678",
        "0912 345 678",
        "+886 912 345 678",
        "+886-912-345-678",
        "+886912345678",
        "(02)2345-6789",
        "02-2345-6789",
        "02-23456789",
        "(037)123456",
        "04-2345-6789",
        "+886-2-2345-6789",
    ],
)
def test_taiwan_phone_numbers(phone):
    assert find_identifiers(f"請撥{phone}聯絡") == [("phone", phone)]
    assert find_identifiers(f"call {phone}.") == [("phone", phone)]


def test_not_phone_numbers():
    # amounts, dates, a 7-digit number, a number glued to longer digits
    assert find_identifiers("金額 1,234,567 元，日期 2026-07-15，代碼 1234567，序號 091234567890") == []


def test_emails_and_mixed_text():
    text = (
        "客戶王小明（身分證 A123456789）來電 0912-345-678，請回信至 wang.xm+bank@example.com.tw；"
        "card 4111 1111 1111 1111, office (02)2345-6789."
    )
    kinds = [k for k, _ in find_identifiers(text)]
    assert kinds == ["national_id", "phone", "email", "card", "phone"]
    masked = mask_text(text)
    for _, raw in find_identifiers(text):
        assert raw not in masked
    assert "A12*****89" in masked and "客戶王小明（身分證 " in masked  # surrounding text untouched


def test_full_width_identifiers_are_found_and_masked():
    fw = "Ａ１２３４５６７８９"
    assert find_identifiers(f"身分證{fw}") == [("national_id", fw)]
    assert fw not in mask_text(f"身分證{fw}") and mask_text(f"身分證{fw}") == "身分證Ａ１２*****８９"
    assert find_identifiers("手機０９１２３４５６７８") == [("phone", "０９１２３４５６７８")]


def test_identifier_boundaries():
    # glued to other letters or digits, a checksum-valid ID is still masked (the last line of defence, issue
    # 19)
    assert find_identifiers("XA123456789") == [("national_id", "A123456789")]
    assert find_identifiers("A1234567890") == [("national_id", "A123456789")]
    assert find_identifiers("身分證A123456789的") == [("national_id", "A123456789")]
    assert find_identifiers("訂單 A123456788") == []  # fails the checksum


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("A123456789", "A12*****89"),
        ("0912345678", "091*****78"),
        ("abcdefgh", "abc***gh"),
        ("abcdefg", "ab****g"),
        ("abcdef", "ab***f"),
        ("王小明", "王*明"),
        ("歐陽小明", "歐**明"),
        ("王明", "王*"),
        ("x", "*"),
        ("", ""),
        (None, ""),
        (float("nan"), ""),
        (912345678, "912****78"),
    ],
)
def test_mask_value(value, masked):
    out = mask_value(value)
    assert out == masked
    if masked:
        assert len(out) == len(str(value))


def test_mask_text_leaves_clean_text_alone():
    for text in ("沒有個資的一句話。", "Nothing personal here: 42 apples, 2026-07-01.", "", "A123456788"):
        assert mask_text(text) == text
    assert mask_text(None) == "" and mask_text(12) == "12"


@pytest.mark.parametrize(
    ("values", "kind"),
    [
        (IDS[:50], "national_id"),
        ([f"09{i:02d}-{i:03d}-{i:03d}" for i in range(50)], "phone"),
        ([912345678 + i for i in range(50)], "phone"),  # a mobile number stored as an integer lost its 0
        ([f"user{i}@example.com" for i in range(50)], "email"),
        (
            [
                "王小明",
                "陳美玲",
                "林志豪",
                "張雅婷",
                "李家豪",
                "黃淑芬",
                "歐陽娜娜",
                "吳宗憲",
                "劉德華",
                "蔡依林",
            ]
            * 2,
            "name",
        ),
        (["John Smith", "Mary Lee", "Wang Xiao-Ming", "Chen Mei-Ling", "Lin Chih-Hao", "Alice Wong"], "name"),
        (
            ["臺北市大安區復興南路一段390號", "新北市板橋區文化路二段100號3樓", "高雄市前鎮區中山二路5號"],
            "address",
        ),
        (["4111111111111111", "5555555555554444", "378282246310005"], "card"),
    ],
)
def test_looks_like_personal_data(values, kind):
    assert looks_like_personal_data(pd.Series(values, name="c")) == kind


@pytest.mark.parametrize(
    "values",
    [
        ["台北市", "台中市", "高雄市", "台北市", "台中市"] * 10,  # city names, not people
        ["North", "South", "East", "West"] * 10,
        list(range(1000, 1050)),
        [0.5, 1.25, 3.0],
        ["A", "B", "C"],
        ["New Taipei", "New Taipei", "Taichung", "Taichung"] * 5,  # title case but repeating: categories
    ],
)
def test_not_personal_data(values):
    assert looks_like_personal_data(pd.Series(values, name="c")) is None


def test_personal_data_by_column_name():
    assert looks_like_personal_data(pd.Series(["x"] * 5, name="身分證字號")) == "national_id"
    assert looks_like_personal_data(pd.Series([1, 2], name="customer_name")) == "name"
    assert looks_like_personal_data(pd.Series([1, 2], name="e-mail")) == "email"
    assert looks_like_personal_data(pd.Series([1, 2], name="手機")) == "phone"
    assert looks_like_personal_data(pd.Series([1, 2], name="product_name")) is None
    assert looks_like_personal_data(pd.Series([], name="ID", dtype=object)) is None


def test_mostly_identifiers_with_some_noise():
    values = IDS[:60] + ["unknown"] * 40
    assert looks_like_personal_data(pd.Series(values)) == "national_id"
    assert looks_like_personal_data(pd.Series(IDS[:30] + ["unknown"] * 70)) is None
    assert looks_like_personal_data(pd.Series(IDS[:30] + ["unknown"] * 70), min_share=0.25) == "national_id"


def test_toll_free_service_numbers_are_not_personal_data():
    from govreport.data.masking import find_identifiers, mask_text

    for text in ("請撥客服專線 0800-123-456", "call us on 0809-000-123", "免付費 0800123456"):
        assert mask_text(text) == text
    # a personal landline or mobile beside it is still masked
    masked = mask_text("客服 0800-123-456，您留的電話 02-2345-6789、手機 0912-345-678")
    assert "0800-123-456" in masked and "2345-6789" not in masked and "0912-345-678" not in masked
    assert find_identifiers("0800-123-456 或 0912-345-678") == [("phone", "0912-345-678")]
