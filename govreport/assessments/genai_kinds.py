"""The kinds of example turns a genai review shows — a module of names only, so the kernel that presents
names them without importing pandas (genai_checks) or pydantic and YAML (genai_rules)."""

from __future__ import annotations

__all__ = ["EXAMPLE_KINDS"]

EXAMPLE_KINDS = ("pii_leak", "no_disclosure", "no_alternative", "prohibited", "ungrounded", "refusal")
