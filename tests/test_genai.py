"""Generative-AI output checks: true and false positives on Chinese and English text."""

import pandas as pd
import pytest

from govreport.demo import fake_national_id
from govreport.errors import DataError
from govreport.genai import bigram_f1, check_conversations
from govreport.masking import find_identifiers, luhn_valid, mask_text, mask_value, taiwan_id_valid


def conv(*turns, cid="c1"):
    return [{"conversation_id": cid, "turn": i + 1, "role": r, "text": t} for i, (r, t) in enumerate(turns)]


DISCLOSE = ("assistant", "您好，我是 AI 智能客服，回覆由人工智慧自動產生。")


def test_national_id_checksum_and_masking():
    assert taiwan_id_valid("A123456789") and not taiwan_id_valid("A123456788")
    assert mask_value("A123456789") == "A12*****89"
    text = "我的身分證 A123456789，卡號 4111 1111 1111 1111，手機 0912-345-678，信箱 wang@example.com.tw"
    masked = mask_text(text)
    for raw in ("A123456789", "4111 1111 1111 1111", "0912-345-678", "wang@example.com.tw"):
        assert raw not in masked
    assert "A12*****89" in masked
    # false positives: an ID with a wrong checksum, a 16-digit number failing Luhn, an order number
    assert find_identifiers("訂單 A123456788 與 1234567812345678") == []
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")


def test_leak_detected_in_chinese_and_english_and_masked_in_examples():
    nid = fake_national_id(__import__("numpy").random.default_rng(3))
    df = pd.DataFrame(conv(DISCLOSE, ("customer", "查帳單"), ("assistant", f"已查詢身分證{nid}的帳單")) +
                      conv(("assistant", "Hi, I am an AI assistant."), ("customer", "email?"),
                           ("assistant", "We wrote to you at lee@bank.com.tw"), cid="c2") +
                      conv(DISCLOSE, ("customer", f"我的身分證是 {nid}"), ("assistant", "已收到，謝謝。"), cid="c3"))
    r = check_conversations(df)
    assert r.counts["pii_leaks"] == 2  # the customer's own message is not a leak by the assistant
    ex = r.examples["pii_leak"]
    assert all(nid not in e["text"] and "lee@bank.com.tw" not in e["text"] for e in ex)
    ind = {i.id: i for i in r.indicators()}
    assert ind["pii_leak_rate"].status.value == "red"


def test_disclosure_alternative_and_prohibited_statements():
    df = pd.DataFrame(
        conv(DISCLOSE, ("customer", "我想找真人客服"), ("assistant", "好的，已為您轉接真人客服。"))
        + conv(("assistant", "您好，請問需要什麼服務？"), ("customer", "I want a human"),
               ("assistant", "Sorry, I can answer that."), cid="c2")
        + conv(DISCLOSE, ("customer", "這檔基金會賺嗎？"), ("assistant", "這檔基金保證獲利！"), cid="c3")
        + conv(("assistant", "Hello, this is an automated assistant."), ("customer", "Is this fund risk-free?"),
               ("assistant", "No investment is guaranteed; returns can be negative."), cid="c4"))
    r = check_conversations(df)
    assert r.counts["no_disclosure"] == 1 and r.examples["no_disclosure"][0]["conversation_id"] == "c2"
    assert r.counts["human_requests"] == 2 and r.counts["human_offered"] == 1
    assert r.counts["prohibited"] == 1  # "guaranteed" in a denial is not a promise of guaranteed returns
    assert r.examples["prohibited"][0]["conversation_id"] == "c3"


def test_groundedness_handles_chinese_without_spaces():
    assert bigram_f1("首年免年費，次年刷卡滿六次免年費。", "首年免年費，次年刷卡滿六次免年費。") == pytest.approx(1.0)
    assert bigram_f1("外幣匯出手續費300元", "首年免年費") == 0.0
    assert 0.3 < bigram_f1("首年免年費，次年起刷卡滿六次即可免年費。", "首年免年費，次年刷卡滿六次免年費。") < 1.0


def test_missing_columns_is_a_clear_error():
    with pytest.raises(DataError, match="lacks the column.*role"):
        check_conversations(pd.DataFrame({"conversation_id": [1], "turn": [1], "text": ["x"]}))
