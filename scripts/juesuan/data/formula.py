"""A formula over figure ids ("a.b + c.d * 100") and their values → an exact Decimal.

Only numbers, figure ids, + - * / and parentheses are allowed; anything else is refused, so a
formula in the data can never run code. Python's ast is used for parsing (no eval).

Limits: a formula has at most MAX_CHARS (4000) characters, MAX_TERMS (200) terms (figure ids and
numbers) and MAX_OPERATORS (400) operators; a longer one is refused with a FormulaError saying so
(the longest of the 2021 package has 8 terms), never a RecursionError.
"""

from __future__ import annotations

import ast
import re
from decimal import Decimal, ROUND_HALF_UP, getcontext
from typing import Callable

getcontext().prec = 40
FIGURE_ID = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+")
MAX_CHARS, MAX_TERMS, MAX_OPERATORS = 4000, 200, 400
_NUMBER = re.compile(r"\d+(?:\.\d*)?|\.\d+")


class FormulaError(ValueError):
    """A formula that cannot be parsed or computed."""


def names(formula: str) -> list[str]:
    """Formula → the figure ids it uses, in order."""
    return FIGURE_ID.findall(formula)


def _check_size(formula: str, ids: list[str]) -> None:
    """A formula over the limits → FormulaError naming the limit (the formula itself is too long to quote)."""
    terms = len(ids) + len(_NUMBER.findall(FIGURE_ID.sub("", formula)))
    operators = sum(formula.count(op) for op in "+-*/")
    for size, limit, what in ((terms, MAX_TERMS, "terms (figure ids and numbers)"), (operators, MAX_OPERATORS, "operators"),
                              (len(formula), MAX_CHARS, "characters")):
        if size > limit:
            raise FormulaError(f"formula of {size} {what} is over the limit of {limit}: split it into derived figures "
                               f"(formula starts {formula[:60]!r})")


def evaluate(formula: str, lookup: Callable[[str], Decimal]) -> Decimal:
    """Formula and a figure-id → value lookup → the exact result; FormulaError over the limits (MAX_*)."""
    ids = names(formula)
    _check_size(formula, ids)
    leftover = FIGURE_ID.sub("", formula)
    if re.search(r"[A-Za-z_]", leftover):
        raise FormulaError(f"formula {formula!r} uses something other than figure ids, numbers and + - * / ( )")
    placeholders = {f"v{i}": fid for i, fid in enumerate(ids)}
    counter = iter(range(len(ids)))
    expr = FIGURE_ID.sub(lambda m: f"v{next(counter)}", formula)
    try:
        tree = ast.parse(expr, mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"cannot parse formula {formula!r}: {exc.msg}") from None
    except (RecursionError, MemoryError):  # nesting the limits let through, e.g. many unary minus signs
        raise FormulaError(f"formula nested too deeply (formula starts {formula[:60]!r})") from None

    def walk(node: ast.AST) -> Decimal:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
            left, right = walk(node.left), walk(node.right)
            if isinstance(node.op, ast.Add):
                return left + right
            if isinstance(node.op, ast.Sub):
                return left - right
            if isinstance(node.op, ast.Mult):
                return left * right
            if right == 0:
                raise FormulaError(f"division by zero in {formula!r}")
            return left / right
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -walk(node.operand)
        if isinstance(node, ast.Name) and node.id in placeholders:
            return lookup(placeholders[node.id])
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return Decimal(ast.get_source_segment(expr, node) or str(node.value))
        raise FormulaError(f"formula {formula!r} uses something other than figure ids, numbers and + - * / ( )")

    try:
        return walk(tree)
    except RecursionError:
        raise FormulaError(f"formula nested too deeply (formula starts {formula[:60]!r})") from None


def decimals(value: Decimal) -> int:
    """A Decimal as written ("10.63") → how many decimals it shows (2)."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def round_as(value: Decimal, like: Decimal) -> Decimal:
    """Round half up (四舍五入) to the number of decimals that `like` shows."""
    return value.quantize(Decimal(1).scaleb(-decimals(like)), rounding=ROUND_HALF_UP)
