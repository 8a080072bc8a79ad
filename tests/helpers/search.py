"""The site's search dialog as a reader uses it, for the browser tests: a fresh page, the 搜索 button, typed queries,
the results and the unit and year lists."""

from __future__ import annotations

import contextlib
import re
from urllib.parse import urlsplit

from juesuan.tools.reader import type_query

TIMEOUT_MS = 10_000
typed = type_query  # the benchmark's reader types the same way (juesuan/tools/reader.py)


def _watch(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


@contextlib.contextmanager
def browser_page(chromium):
    """A fresh browser context (service workers blocked, the tests' timeout) → (its page, the page's errors); closed after."""
    context = chromium.new_context(service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        yield page, _watch(page)
    finally:
        context.close()


def open_search(page) -> None:
    """As a reader: click the header's search button; the box has focus and the index is ready."""
    page.get_by_role("button", name="搜索", exact=True).click()
    page.wait_for_selector("#site-search[data-state=ready]")
    page.wait_for_function("() => document.activeElement && document.activeElement.matches('[data-site-search-input]')")


def results(page, term: str) -> list[str]:
    """Wait until the dialog reports results for `term` → the result pages in order, site-relative."""
    page.wait_for_function(
        "t => { const m = document.querySelector('[data-site-search-status]');"
        " return m && m.textContent.includes('“' + t + '”') && /结果/.test(m.textContent)"
        " && !document.querySelector('#site-search[aria-busy]'); }", arg=term)
    hrefs = page.eval_on_selector_all(".site-search__title a", "els => els.map(e => e.href)")
    return list(dict.fromkeys(urlsplit(h).path.lstrip("/") for h in hrefs))


def selected(page) -> dict[str, str]:
    """The unit and year lists → the text of the option each shows."""
    return page.eval_on_selector_all("[data-site-search-filter]",
                                     "els => Object.fromEntries(els.map(e => [e.name, e.selectedOptions[0].textContent]))")


def choose(page, label: str, key: str, shown: str) -> None:
    """As a reader with the keyboard: focus the list labelled `label` (单位 or 年度), press `key` (Home: the first
    option, 全部…; End: the last), and wait until it shows `shown`."""
    page.locator("#site-search").get_by_role("combobox", name=re.compile("^" + label)).focus()
    page.keyboard.press(key)
    name = "unit" if label == "单位" else "year"
    page.wait_for_function("([n, t]) => document.querySelector(`[data-site-search-filter=${n}]`).selectedOptions[0].textContent === t",
                           arg=[name, shown])
