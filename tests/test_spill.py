"""A converted page's HTML waits on disk between MkDocs' two passes (juesuan/site/spill.py): put aside, given back
whole before the page is written, and nothing left behind when the build ends."""

from __future__ import annotations

from types import SimpleNamespace

from juesuan.site import spill


def _page(src: str) -> SimpleNamespace:
    return SimpleNamespace(file=SimpleNamespace(src_uri=src), content=None)


def test_html_is_put_aside_and_given_back_whole():
    a, b = _page("a/index.md"), _page("b/index.md")
    html = "<h1 id=\"附表一\">附表一</h1>\n<p>260.70</p>"
    a.content = spill.put(a, html)
    b.content = spill.put(b, "<p>b</p>")
    assert a.content == "" and b.content == ""
    folder = spill._state["folder"]
    assert sorted(p.name for p in folder.iterdir()) == ["0.html", "1.html"]
    spill.get(a)
    assert a.content == html
    assert sorted(p.name for p in folder.iterdir()) == ["1.html"]
    spill.finish()
    assert not folder.exists()
    spill.get(b)  # after the build: nothing to give back, the page is left as it is
    assert b.content == ""


def test_an_empty_page_and_an_unknown_one_are_left_alone():
    page = _page("reused/index.md")  # a page reused from the build cache is converted to nothing
    assert spill.put(page, "") == ""
    assert "folder" not in spill._state
    other = _page("other/index.md")
    other.content = "<p>kept</p>"
    spill.get(other)
    assert other.content == "<p>kept</p>"
    spill.finish()
