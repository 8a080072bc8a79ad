"""scripts.formula: exact arithmetic over figure ids, refusal of anything else, half-up rounding."""

from __future__ import annotations

from decimal import Decimal

import pytest

from juesuan.data.formula import FormulaError, decimals, evaluate, names, round_as

VALUES = {
    "a.b": Decimal("1.5"),
    "c.d": Decimal("0.25"),
    "zero.x": Decimal("0.00"),
    "gpb.class_221": Decimal("14.38"),
    "gpb.total": Decimal("260.70"),
    "pension.amount": Decimal("4292.88"),
    "pension.persons": Decimal("311920"),
    "income.total": Decimal("260.70"),
}
lookup = VALUES.__getitem__


# ---------------------------------------------------------------------------------- evaluate
@pytest.mark.parametrize("formula, result", [
    ("a.b + c.d * 100", "26.50"),
    ("(a.b + c.d) * 100", "175.00"),
    ("a.b - c.d", "1.25"),
    ("-a.b + 2", "0.5"),
    ("a.b / c.d", "6"),
    ("0.1 + 0.2", "0.3"),
    ("1.10 + 2.205", "3.305"),
    ("1 / 3", "0." + "3" * 40),       # 40 significant digits
    ("income.total", "260.70"),
    ("42", "42"),
])
def test_evaluate_exact(formula, result):
    got = evaluate(formula, lookup)
    assert isinstance(got, Decimal)
    assert str(got) == result


def test_evaluate_keeps_written_decimals():
    assert str(evaluate("income.total + 0.00", lookup)) == "260.70"


def test_evaluate_uses_lookup_for_every_id_in_order():
    seen = []

    def spy(fid):
        seen.append(fid)
        return VALUES[fid]

    evaluate("a.b + c.d * a.b - gpb.total", spy)
    assert seen == ["a.b", "c.d", "a.b", "gpb.total"]


def test_evaluate_unknown_id_raises_lookup_error():
    with pytest.raises(KeyError):
        evaluate("no.such + a.b", lookup)


@pytest.mark.parametrize("formula", ["a.b / zero.x", "1 / 0", "a.b / (c.d - c.d)", "a.b / 0.0"])
def test_evaluate_division_by_zero_raises_formula_error(formula):
    with pytest.raises(FormulaError, match="division by zero"):
        evaluate(formula, lookup)


def test_formula_error_is_a_value_error():
    assert issubclass(FormulaError, ValueError)


@pytest.mark.parametrize("formula", [
    "(a.b).real",                        # attribute access
    "a.B",                               # attribute access on a bare name
    "(1).numerator",                     # attribute of a number
    "abs(a.b)",                          # call
    "__import__('os').system('true')",   # call, code execution
    "(lambda: 1)()",                     # lambda
    "x",                                 # name that is not a figure id
    "a",                                 # name without a dot
    "a.b + x",                           # unknown bare name beside an id
    "True + a.b",                        # boolean
    "'a.b'",                             # string
    "'260.70'",                          # string that looks like a number
    "b'1'",                              # bytes
    "a.b ** 2",                          # power
    "a.b // 2",                          # floor division
    "a.b % 2",                           # modulo
    "+a.b",                              # unary plus
    "a.b > 1",                           # comparison
    "a.b if 1 else c.d",                 # conditional
    "[a.b][0]",                          # list and subscript
    "{a.b}",                             # set
    "1j",                                # complex number
    "import os",                         # a statement, refused before parsing
])
def test_evaluate_refuses_anything_but_arithmetic(formula):
    with pytest.raises(FormulaError, match="uses something other than figure ids, numbers and"):
        evaluate(formula, lookup)


@pytest.mark.parametrize("formula", ["a.b + v0", "v0 * c.d"])
def test_evaluate_refuses_placeholder_lookalike_names(formula):
    with pytest.raises(FormulaError):
        evaluate(formula, lookup)


def test_evaluate_does_not_run_code(tmp_path):
    marker = tmp_path / "ran"
    with pytest.raises(FormulaError):
        evaluate(f"__import__('pathlib').Path('{marker}').touch()", lookup)
    assert not marker.exists()


@pytest.mark.parametrize("formula", ["a.b +", "(a.b", "a.b c.d", "a.b = 1", ""])
def test_evaluate_refuses_what_does_not_parse(formula):
    with pytest.raises(FormulaError, match="cannot parse formula"):
        evaluate(formula, lookup)


# ---------------------------------------------------------------------------------- names
@pytest.mark.parametrize("formula, ids", [
    ("a.b + c.d * 100", ["a.b", "c.d"]),
    ("total.change / (total.amount + total.change) * 100", ["total.change", "total.amount", "total.change"]),
    ("work.daijiao.amount_100 + 1", ["work.daijiao.amount_100"]),
    ("100 * 2", []),
])
def test_names_lists_ids_in_order(formula, ids):
    assert names(formula) == ids


# ---------------------------------------------------------------------------------- decimals
@pytest.mark.parametrize("value, places", [
    ("10.63", 2), ("137", 0), ("0.10", 2), ("0.001", 3), ("5.0", 1), ("260.70", 2), ("1E+2", 0), ("0", 0),
])
def test_decimals_counts_written_places(value, places):
    assert decimals(Decimal(value)) == places


# ---------------------------------------------------------------------------------- round_as
@pytest.mark.parametrize("value, like, result", [
    ("10.625", "10.63", "10.63"),
    ("137.63", "137", "138"),
    ("137.5", "137", "138"),
    ("137.49", "137", "137"),
    ("0.125", "0.13", "0.13"),     # half up, not half even (0.12)
    ("2.5", "3", "3"),             # half up, not half even (2)
    ("10.624", "10.63", "10.62"),
    ("-2.5", "3", "-3"),           # half away from zero
    ("5.5", "1.000", "5.500"),
    ("5.516", "5.51", "5.52"),
])
def test_round_as_half_up_to_the_decimals_shown(value, like, result):
    assert str(round_as(Decimal(value), Decimal(like))) == result


def test_round_as_share_of_housing_expenditure():
    """F01: 14.38 / 260.70 × 100 = 5.516…, which rounds to 5.52, not the 5.51 the report prints."""
    share = evaluate("gpb.class_221 / gpb.total * 100", lookup)
    assert round_as(share, Decimal("5.51")) == Decimal("5.52")


def test_round_as_pension_per_capita():
    """F02: 42928800 元 / 311920 人次 = 137.627…, which rounds to 138, not the 137 the report prints."""
    per_capita = evaluate("pension.amount * 10000 / pension.persons", lookup)
    assert str(round_as(per_capita, Decimal("137"))) == "138"
    assert str(round_as(per_capita, Decimal("137.63"))) == "137.63"
