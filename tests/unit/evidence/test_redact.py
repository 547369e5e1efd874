"""redact(): secrets never reach the evidence store, found by key name and by value shape, in dicts and lists
(issue 19, item 6)."""

from __future__ import annotations

import json

import pytest

from govreport.evidence import redact

# (key, value, the secret part that must be gone) — each one is missed by a dict-only, key-only redact()
SECRETS = [
    ("password", "hunter2", "hunter2"),
    ("pwd", "hunter2x", "hunter2x"),
    ("smtp_pw", "s3cr3tpw", "s3cr3tpw"),
    ("mailpw", "mailsecret", "mailsecret"),
    ("private_key", "MIIEvQIBADANBgkqh", "MIIEvQIBADANBgkqh"),
    ("privkey", "MIIEvQIBADANBgkq2", "MIIEvQIBADANBgkq2"),
    ("passphrase", "correct horse", "correct horse"),
    ("client_secret", "cs-98765", "cs-98765"),
    ("access_key", "AK-1234567", "AK-1234567"),
    ("API-KEY", "k-123456", "k-123456"),
    ("auth", "Zm9vOmJhcg==", "Zm9vOmJhcg=="),
    ("Authorization", "whatever-1", "whatever-1"),
    ("session_id", "sess-abcdef", "sess-abcdef"),
    ("cookie", "sid=abcdef123", "abcdef123"),
    ("db_connection_string", "host=h user=u", "host=h user=u"),
    ("header", "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9abc", "eyJhbGciOiJIUzI1NiJ9abc"),
    ("header", "authorization: basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA=="),
    ("conninfo", "host=db port=5432 user=gov password=Pg-S3cret dbname=ev", "Pg-S3cret"),
    ("conninfo", "host=db user=gov password='with space' dbname=ev", "with space"),
    ("url", "postgresql+psycopg://gov:Pg-S3cret@db/ev", "Pg-S3cret"),
    ("webhook", "https://hooks.example/x?token=tk-777888&a=1", "tk-777888"),
    ("note", "use api_key: ak_55667788 for the sandbox", "ak_55667788"),
    (
        "pem",
        "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAK\n-----END RSA PRIVATE KEY-----",
        "MIIBOgIBAAJBAK",
    ),
    ("cloud", "AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"),
    ("gh", "ghp_0123456789abcdefghijABCDEFGHIJ", "ghp_0123456789abcdefghijABCDEFGHIJ"),
    ("llm", "sk-proj-0123456789abcdefghijXYZ", "sk-proj-0123456789abcdefghijXYZ"),
    (
        "jwt",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N",
        "dozjgNryP4J3jVmNHl0w5N",
    ),
]

# values that are not secrets and must survive unchanged
KEPT = [
    ("period", "2026Q3"),
    ("system_id", "credit-card-default"),
    ("output_dir", "/srv/ws/reports/.staging/x"),
    ("workspace", "/srv/ai-governance"),
    ("author", "王小明"),
    ("threshold", 0.8),
    ("url", "https://intranet.bank.example/reports"),
    ("note", "the password policy was reviewed"),
    ("note", "basic fairness checks and token budgets"),
    ("note", "bearer bonds are out of scope"),
]


@pytest.mark.parametrize(("key", "value", "secret"), SECRETS, ids=[f"{k}:{v[:12]}" for k, v, _ in SECRETS])
def test_secret_is_redacted_at_any_depth(key, value, secret):
    for params in (
        {key: value},
        {"nested": {key: value}},
        {"list": [{key: value}]},
        {"deep": [[{"x": {key: value}}]]},
    ):
        out = json.dumps(redact(params), ensure_ascii=False)
        assert secret not in out, (params, out)
        assert "***" in out


@pytest.mark.parametrize(
    "value", [v for k, v, _ in SECRETS if k in {"header", "conninfo", "url", "pem", "jwt"}]
)
def test_secret_shaped_values_inside_lists_of_strings(value):
    out = redact({"args": ["--verbose", value, 3]})
    assert out["args"][0] == "--verbose" and out["args"][2] == 3
    assert "***" in out["args"][1]


@pytest.mark.parametrize(("key", "value"), KEPT)
def test_ordinary_values_are_kept(key, value):
    assert redact({key: value, "l": [value]}) == {key: value, "l": [value]}


def test_redact_keeps_the_shape_and_the_non_secret_part():
    r = redact(
        {
            "url": "postgresql://me:pw@h/db",
            "conninfo": "host=db password=x dbname=ev",
            "nested": {"api_key": "k", "items": [1, "two", {"token": "t"}]},
            "period": "2026Q3",
        }
    )
    assert r == {
        "url": "postgresql://me:***@h/db",
        "conninfo": "host=db password=*** dbname=ev",
        "nested": {"api_key": "***", "items": [1, "two", {"token": "***"}]},
        "period": "2026Q3",
    }
