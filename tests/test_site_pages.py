"""Every page of the built site, opened in Chromium from a local server: it loads (200), logs no
console error, has no failed request, asks no host but the local server, is in Chinese and has one h1.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from helpers.data import all_reports
from helpers.site import nav_urls, page_urls
from juesuan.site import pages as site_pages

# 1 home + (overview, report home, 10 explanation sections, glossary, 3 performance forms,
# 15 tables, figures, checks, data) + about = 36 for the single 2021 report.
EXPECTED_COUNT = 36


def expected_pages() -> list[str]:
    """Expected pages: the site home, every generated page of every report, the about page."""
    return [""] + [s.url for r in all_reports() for s in site_pages.pages(r)] + ["about/"]


def page_params() -> list:
    return [pytest.param(p, id=p or "home") for p in expected_pages()]


def test_expected_page_list_has_the_known_size():
    assert len(all_reports()) == 1
    assert len(expected_pages()) == EXPECTED_COUNT
    assert len(set(expected_pages())) == EXPECTED_COUNT


@pytest.mark.slow
def test_nav_of_the_build_lists_exactly_the_expected_pages(built_site_dir):
    assert nav_urls(built_site_dir) == expected_pages()


@pytest.mark.slow
def test_every_built_page_is_in_the_nav(built_site_dir):
    """No orphan page: the HTML pages in the build are exactly those of the nav (plus Material's 404)."""
    built = page_urls(built_site_dir)
    assert built == sorted(expected_pages())
    assert (built_site_dir / "404.html").is_file()


BATCH = 6  # pages loading at the same time (tabs of one browser context)


def _open(context, site, path):
    """Start loading one page in a new tab; record every request and every problem reported."""
    page = context.new_page()
    seen = {"requests": [], "failed": [], "bad_status": [], "console": [], "page_errors": []}
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("requestfailed", lambda r: seen["failed"].append(f"{r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and seen["bad_status"].append(f"{r.status} {r.url}"))
    page.on("console", lambda m: m.type == "error" and seen["console"].append(f"{m.text} @ {m.location}"))
    page.on("pageerror", lambda e: seen["page_errors"].append(str(e)))
    response = page.goto(site.url(path), wait_until="commit")
    return page, response, seen


def _finish(page, response, seen):
    """Wait until the page has loaded and its network is quiet (Material's search worker fetches
    the index and the Chinese tokenizer after load), read what the tests need, close the tab."""
    try:
        page.wait_for_load_state("load")
        page.wait_for_load_state("networkidle")
        info = {
            "status": response.status if response else None,
            "lang": page.evaluate("document.documentElement.lang"),
            "h1": page.locator("h1").all_inner_texts(),
        }
    finally:
        page.close()
    return info, seen


@pytest.fixture(scope="module")
def visits(chromium, site):
    """Every expected page, visited once, a few at a time (the tests below read the results)."""
    context = chromium.new_context(service_workers="block")
    out = {}
    expected = expected_pages()
    try:
        for i in range(0, len(expected), BATCH):
            opened = [(path, _open(context, site, path)) for path in expected[i:i + BATCH]]
            for path, handles in opened:
                try:
                    out[path] = _finish(*handles)
                except Exception as exc:  # reported by the tests of that page, not by all of them
                    out[path] = exc
    finally:
        context.close()
    return out


def _visit(visits, path):
    found = visits[path]
    if isinstance(found, Exception):
        pytest.fail(f"page {path!r} did not load: {found}")
    return found


@pytest.mark.slow
@pytest.mark.params_from("path", page_params)
def test_page_loads_cleanly(visits, site, path):
    info, seen = _visit(visits, path)
    assert info["status"] == 200
    assert seen["console"] == []
    assert seen["page_errors"] == []
    assert seen["failed"] == []
    assert seen["bad_status"] == []
    # The page itself was requested from the local server.
    assert site.url(path) in seen["requests"]


@pytest.mark.slow
@pytest.mark.params_from("path", page_params)
def test_page_asks_no_other_host(visits, site, path):
    _, seen = _visit(visits, path)
    foreign = [u for u in seen["requests"]
               if urlsplit(u).scheme not in ("data", "blob")
               and (urlsplit(u).scheme != "http" or urlsplit(u).netloc != site.host)]
    assert foreign == []


@pytest.mark.slow
@pytest.mark.params_from("path", page_params)
def test_page_is_chinese_with_one_h1(visits, path):
    info, _ = _visit(visits, path)
    assert info["lang"].startswith("zh")
    assert len(info["h1"]) == 1, info["h1"]
    assert info["h1"][0].strip() != ""


@pytest.mark.slow
def test_page_titles_are_the_h1_of_generated_pages(visits):
    """Each generated page's h1 is its title (the report home and sections as written)."""
    for report in all_reports():
        for spec in site_pages.pages(report):
            h1 = _visit(visits, spec.url)[0]["h1"][0].strip()
            if spec.kind == "part":
                assert h1 == f"{report.sections[spec.key]['number']} {spec.title}", spec.url
            elif spec.kind == "performance":
                project = next(p for p in report.rows["performance_projects"] if p["form"] == spec.key)["project"]
                assert h1 == f"特定目标类部门预算项目绩效目标自评：{project}", spec.url
            else:
                assert h1 == spec.title, spec.url
    assert _visit(visits, "")[0]["h1"] == ["决算公开数据"]
    assert _visit(visits, "about/")[0]["h1"] == ["关于本站"]
