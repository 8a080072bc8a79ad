"""Where things are: the project, its tools in the venv, the published package (constants only: no data is read)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the project: mkdocs.yml, datapackage/, scripts/, tests/
BIN = Path(sys.executable).parent  # the venv's executables
MKDOCS = BIN / "mkdocs"
FRICTIONLESS = BIN / "frictionless"
SLUG = "miyi-cxjmyl-2021"  # the 2021 report, the project's only real package so far
DATA = f"datapackage/{SLUG}/data"  # its data files as the build names them (relative to the project)

# Resource files of the 2021 package that the fault tests break.
T01 = "t01_income_expenditure_summary.csv"
T03 = "t03_expenditure.csv"
T05 = "t05_fiscal_expenditure_by_economic.csv"
T09 = "t09_gpb_project_expenditure.csv"
