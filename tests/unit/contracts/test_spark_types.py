"""A suite scaffolded on pandas states pandas type names; GX's Spark engine knows only Spark types and fails
a type check naming none. `spark_types` reads each name as the Spark types that hold such values (the demo's
training suites, validated on Spark in tests/unit/engines/test_engine_switch.py)."""

from __future__ import annotations

from govreport.contracts._spark import spark_types


def test_type_lists_are_read_as_spark_types() -> None:
    exp = {
        "type": "expect_column_values_to_be_in_type_list",
        "kwargs": {"column": "AGE", "type_list": ["int8", "int64", "float64", "LongType"], "mostly": 0.9},
        "meta": {"dimension": "validity"},
    }
    got = spark_types(exp)
    assert got["kwargs"]["type_list"] == [
        "ByteType",
        "ShortType",
        "IntegerType",
        "LongType",
        "FloatType",
        "DoubleType",
        "DecimalType",
    ]
    assert got["kwargs"]["mostly"] == 0.9 and got["meta"] == exp["meta"]
    assert exp["kwargs"]["type_list"][0] == "int8"  # the suite itself is not changed
    times = spark_types({**exp, "kwargs": {"column": "AT", "type_list": ["datetime64[us]"]}})
    assert times["kwargs"]["type_list"] == ["TimestampType", "TimestampNTZType", "DateType"]


def test_a_single_type_stays_a_single_type_or_becomes_a_list() -> None:
    text = spark_types(
        {"type": "expect_column_values_to_be_of_type", "kwargs": {"column": "ID", "type_": "str"}}
    )
    assert text == {
        "type": "expect_column_values_to_be_of_type",
        "kwargs": {"column": "ID", "type_": "StringType"},
    }
    num = spark_types(
        {"type": "expect_column_values_to_be_of_type", "kwargs": {"column": "N", "type_": "int64"}}
    )
    assert num["type"] == "expect_column_values_to_be_in_type_list"
    assert num["kwargs"] == {"column": "N", "type_list": ["ByteType", "ShortType", "IntegerType", "LongType"]}


def test_other_expectations_are_unchanged() -> None:
    exp = {"type": "expect_column_values_to_be_between", "kwargs": {"column": "AGE", "min_value": 20}}
    assert spark_types(exp) is exp
