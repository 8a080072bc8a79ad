"""A formula over figure ids ("a.b + c.d * 100") and their values → an exact Decimal.

Only numbers, figure ids, + - * / and parentheses are allowed; anything else is refused, so a
formula in the data can never run code. Python's ast is used for parsing (no eval).
"""

from __future__ import annotations

import ast
import re
from decimal import Decimal, ROUND_HALF_UP, getcontext
from typing import Callable

getcontext().prec = 40
FIGURE_ID = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+")


class FormulaError(ValueError):
    """A formula that cannot be parsed or computed."""


def names(formula: str) -> list[str]:
    """Formula → the figure ids it uses, in order."""
    return FIGURE_ID.findall(formula)


def evaluate(formula: str, lookup: Callable[[str], Decimal]) -> Decimal:
    """Formula and a figure-id → value lookup → the exact result."""
    ids = names(formula)
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

    return walk(tree)


def decimals(value: Decimal) -> int:
    """A Decimal as written ("10.63") → how many decimals it shows (2)."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def round_as(value: Decimal, like: Decimal) -> Decimal:
    """Round half up (四舍五入) to the number of decimals that `like` shows."""
    return value.quantize(Decimal(1).scaleb(-decimals(like)), rounding=ROUND_HALF_UP)
