"""Shared scaffolding of the tests (imported by test modules and conftest.py, never the other way round).

- ``helpers.paths``     — where the project, its package and its tools are (constants, no data loaded)
- ``helpers.data``      — the reports and files of the package, loaded lazily and once per run
- ``helpers.htmltree``  — the one HTML parser: page text → element tree (stdlib html.parser)
- ``helpers.build``     — the one way to run ``mkdocs build`` (the real CLI, strict), and a project copy to build
- ``helpers.server``    — the one quiet local HTTP server for a built site
- ``helpers.site``      — the built site as the tests see it (``Site``) and its navigation
- ``helpers.mutations`` — edits that break (or poison) a copy of a package, for fault tests
"""
