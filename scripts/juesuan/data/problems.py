"""Problems found in a package → one line each, naming file, row, field and what is wrong, with a stable code.

Every problem carries a code from CODES (ours) or the type of a frictionless error (theirs, e.g.
`type-error`, `foreign-key`); tests and tools match on codes, people read the message. The people
who fix packages are finance clerks: a line says in Chinese what is wrong and what to do, then the
code and the English in brackets (the texts: juesuan.data.messages).
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass

from juesuan.data import messages

# Our problem codes → what they mean (the message says the particulars and what to do).
CODES = {
    # reading the package
    "no-packages": "no package folder with a datapackage.json",
    "no-descriptor": "the folder has no datapackage.json",
    "changed-while-building": "a file changed after it was validated, while the site was being built",
    "descriptor-unreadable": "datapackage.json cannot be read",
    "not-utf8": "a file is not UTF-8",
    "byte-order-mark": "a file starts with a byte-order mark",
    "symlink-in-package": "the package folder holds a symbolic link",
    "special-file-in-package": "the package folder holds a FIFO, socket or device",
    "descriptor-duplicate-key": "a key is given twice in one object of datapackage.json",
    "unsafe-path": "a resource or source path is a web address (resources), absolute or outside the folder",
    "source-file-missing": "a source's path names no file of the package",
    "control-character": "a CSV cell or descriptor string holds a control character",
    "number-not-canonical": "a number is not written in plain form (ASCII digits, optional '-', '.')",
    "unclosed-quote": "a double quote opens a CSV cell and is never closed",
    "field-type-unsupported": "a field of a resource's schema has a type the site cannot read",
    # the report block of the descriptor
    "meta-missing": "the descriptor has no report block",
    "meta-field": "a field of the report block is missing or of the wrong type",
    "meta-unit-id": "report.unit_id is not a URL segment",
    "meta-year": "report.year is not a plausible year",
    "folder-name": "the folder name is not a URL segment",
    "unknown-format": "report.format names no format file",
    # figures register against the source text and formulas
    "stated-has-formula": "a stated figure carries a formula",
    "stated-unlocated": "a stated figure lacks line, offset, literal or sentence",
    "line-past-end": "a line number is past the end of the source text",
    "literal-mismatch": "the source does not have the literal at that line and offset",
    "sentence-not-on-line": "the quoted sentence is not on that source line",
    "number-outside-sentence": "the number is not inside its quoted sentence",
    "literal-unreadable": "the literal holds no number",
    "value-differs-from-source": "the value differs from what the source writes",
    "unit-not-as-written": "the unit is not how the source writes it",
    "qualifier-not-as-written": "the qualifier (≥, 以上, 余 …) is not how the source writes it",
    "heading-number-not-as-written": "a section's number is not on its heading line",
    "derived-no-formula": "a derived figure lacks its formula",
    "derived-located": "a derived figure points to a sentence",
    "formula-invalid": "a formula cannot be parsed or computed",
    "derived-value-mismatch": "a derived value differs from its formula",
    "unknown-reference": "a [[reference]] in a text names no figure",
    # table cells, provenance and views
    "cell-empty-with-provenance": "an empty cell has a provenance entry",
    "cell-without-provenance": "a value cell has no provenance entry",
    "provenance-unknown-figure": "provenance points to a figure that is not in the register",
    "cell-differs-from-figure": "a cell's value differs from its figure",
    "provenance-no-cell": "a provenance entry names no numeric cell",
    "view-differs-from-figure": "a row of a view differs from its figure",
    # classification codes
    "code-length-level": "a code's length does not match its level",
    "code-parent-prefix": "a code does not start with its parent",
    "code-missing-parent": "a 款 or 项 code has no parent",
    "code-level-mismatch": "a table row's level differs from the code list",
    "code-unexplained": "a code written by the report is neither listed nor quoted by a finding",
    # findings and relations
    "finding-line-past-end": "a finding names a line past the end of the source",
    "finding-quote-not-found": "a finding's quote is not on the lines it names",
    "relation-invalid": "a relation cannot be computed",
    "relation-rounding": "a relation's rounding rule does not fit its right side",
    "relation-fails-unrecorded": "a relation fails and no finding records it",
    "stale-finding": "a relation holds but still names a finding",
    # tables
    "total-mismatch": "a total differs from the sum of its parts",
    "table-row-missing": "a table lacks a row or column that a rule of its format names",
    # what the site needs
    "chart-needs-missing": "a chart of the format or package needs a figure or resource the package lacks",
    "headline-needs-missing": "a headline figure named by the format or package is not in the register",
    "package-lacks": "a check or page needs something the package lacks (a resource, a figure, a row)",
    "note-invalid": "a context note (descriptor site.notes) is malformed or names a figure the register lacks",
}


@functools.cache
def _frictionless_types() -> frozenset[str]:
    """The type codes of frictionless's errors (stable, documented by frictionless)."""
    from frictionless import errors

    return frozenset(getattr(cls, "type") for cls in vars(errors).values()
                     if isinstance(cls, type) and isinstance(getattr(cls, "type", None), str))


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input."""

    code: str  # a key of CODES, or a frictionless error type
    file: str
    row: int | None  # line number in the file (the header is line 1), None for the whole file
    field: str | None
    message: str  # English
    zh: str = dataclasses.field(default="", compare=False)  # Chinese: what is wrong；what to do。

    def __post_init__(self):
        if self.code not in CODES and self.code not in _frictionless_types():
            raise ValueError(f"unknown problem code {self.code!r}: add it to CODES in {__name__}")

    @classmethod
    def of(cls, code: str, file: str, row: int | None, field: str | None, case: str | None = None, /, **params) -> Problem:
        """A problem whose texts come from the table of messages: its code (and case) with these particulars."""
        zh, en = messages.render(code, case, params)
        return cls(code, file, row, field, en, zh)

    def __str__(self) -> str:
        """file[:line] 第N行 字段 X：中文；怎么改。 [code: English] — on one line, whatever the data holds."""
        where = self.file + (f":{self.row}" if self.row is not None else "")
        said = " ".join(part for part in (f"第{self.row}行" if self.row is not None else "",
                                          f"字段 {self.field}" if self.field else "") if part)
        zh = self.zh or messages.general(self.code)
        return messages.one_line(f"{where}{' ' + said if said else ''}：{zh} [{self.code}: {self.message}]")


class PackageError(Exception):
    """Raised when a package cannot be published; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class PackageLacks(LookupError):
    """The package lacks something a page, chart or check asked for (a figure, a resource, a row).

    Not a KeyError: a real bug that raises KeyError is never mistaken for missing data.
    """

    def __init__(self, file: str, what: str):
        self.file, self.what = file, what
        super().__init__(str(Problem.of("package-lacks", file, None, None, what=what)))


def why(exc: Exception) -> str:
    """A FormulaError or PackageLacks → its particulars for a problem's message (not the whole located line)."""
    return f"the package has no {exc.what}" if isinstance(exc, PackageLacks) else str(exc).strip('"')
