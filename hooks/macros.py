"""mkdocs-macros entry point (mkdocs.yml: module_name) → the macros of juesuan.site.macros.

mkdocs-macros loads this file by path, outside any package; the project's package is imported
from scripts/ so that the hook and the macros share one loaded copy of every module.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from juesuan.site.macros import define_env, on_pre_page_macros  # noqa: E402,F401
