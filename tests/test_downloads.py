"""The downloads of the built site, fetched over http from the local server and read back as a
reader would: every download link resolves; the CSV is the package file byte for byte; the XLSX
and JSON twins hold the same values as the CSV; the zip is a valid package; every checksum and
size shown matches the served file; the builders are deterministic; the descriptor carries the
Fiscal Data Package annotations; every table page and chart says how to cite it.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import functools
import io
import json
import re
import subprocess
import time
import types
import urllib.error
import urllib.request
import zipfile
from decimal import Decimal
from urllib.parse import urljoin, urlsplit

import openpyxl
import openpyxl.packaging.core
import openpyxl.writer.excel
import pytest

from helpers.data import all_reports, first_report
from helpers.htmltree import Node, parse_html
from helpers.paths import FRICTIONLESS, SLUG
from juesuan.charts import files as chart_files
from juesuan import charts
from juesuan.site import downloads
from juesuan.site import pages as site_pages
from juesuan.site import views
from juesuan.data.loader import load


# ---- the 2021 package, read when a test first asks (nothing at import) ----------------------------------
@functools.cache
def descriptor() -> dict:
    """The 2021 report's datapackage.json as published, not as loaded."""
    return json.loads((first_report().folder / "datapackage.json").read_text(encoding="utf-8"))


@functools.cache
def resources() -> dict[str, dict]:
    return {r["name"]: r for r in descriptor()["resources"]}


def table_resources() -> list[str]:
    return [r["name"] for r in descriptor()["resources"] if r.get("type") == "table"]


def annex() -> list[dict]:
    """The 15 附表 resources, in table order."""
    return sorted((r for r in descriptor()["resources"] if "table_number" in r), key=lambda r: r["table_number"])


def chart_list() -> list:
    return charts.charts(first_report())


CHART_SUFFIXES = ("csv", "svg", "png")  # the chart files a reader can download (.vg.json is for the page itself)

# 27 table resources × (CSV, XLSX, JSON) + datapackage.json + source/report.txt + tables.xlsx + zip + SHA256SUMS = 86,
# plus 14 charts × (CSV, SVG, PNG) = 42: 128 distinct download targets in the 2021 site.
EXPECTED_TARGETS = 128


def test_the_expected_counts_are_those_of_the_2021_package():
    assert len(all_reports()) == 1
    assert len(table_resources()) == 27
    assert len(annex()) == 15
    assert [r["table_number"] for r in annex()] == list(range(1, 16))
    assert len(chart_list()) == 14
    assert len(downloads.downloads(first_report())) == 86
    assert 86 + 3 * len(chart_list()) == EXPECTED_TARGETS


# ---- helpers: http, html, csv ------------------------------------------------------------------------
@pytest.fixture(scope="session")
def fetch(site):
    """URL or site-relative path → (status, body), each fetched once over http from the local server."""
    cache: dict[str, tuple[int, bytes]] = {}

    def get(url: str) -> tuple[int, bytes]:
        if not url.startswith("http"):
            url = site.url(url)
        if url not in cache:
            try:
                with urllib.request.urlopen(url, timeout=10) as resp:
                    cache[url] = (resp.status, resp.read())
            except urllib.error.HTTPError as exc:
                cache[url] = (exc.code, b"")
        return cache[url]

    return get


def body(fetch, path: str) -> bytes:
    status, data = fetch(path)
    assert status == 200, f"{path}: HTTP {status}"
    return data


@pytest.fixture(scope="session")
def pages(site) -> dict[str, Node]:
    """Every built HTML page: site-relative path of the file → its parsed tree."""
    return {p.relative_to(site.dir).as_posix(): parse_html(p.read_text(encoding="utf-8")) for p in sorted(site.dir.rglob("*.html"))}


def page_tree(pages, url: str) -> Node:
    return pages[url + "index.html"]


def read_csv(data: bytes) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    return rows[0], rows[1:]


def package_bytes(name: str) -> bytes:
    return (first_report().folder / resources()[name]["path"]).read_bytes()


def is_code_field(f: dict) -> bool:
    return f["name"] in ("code", "parent") or str(f.get("columnType", "")).endswith(":code")


def is_download_link(a: Node) -> bool:
    href = a.attrs.get("href") or ""
    return "download" in a.attrs or any(s in href for s in ("/package/", "/downloads/", "/charts/")) \
        or href.startswith(("package/", "downloads/", "charts/"))


def download_targets(site, pages) -> dict[str, list[str]]:
    """Every download link of every built page → {absolute URL without fragment: [pages linking to it]}."""
    found: dict[str, list[str]] = {}
    for rel, tree in pages.items():
        for a in tree.select("a"):
            if a.attrs.get("href") and is_download_link(a):
                url = urljoin(site.url(rel), a.attrs["href"]).split("#")[0]
                found.setdefault(url, []).append(rel)
    return found


# ---- 1. every download link resolves -------------------------------------------------------------------
@pytest.mark.slow
def test_every_download_link_on_every_page_resolves(site, pages, fetch):
    targets = download_targets(site, pages)
    foreign = [u for u in targets if urlsplit(u).netloc != site.host]
    assert foreign == [], "\n".join(map(str, foreign))
    assert len(targets) == EXPECTED_TARGETS
    expected = {site.url(d.path) for d in downloads.downloads(first_report())} | {
        site.url(f"{SLUG}/charts/{c.id}.{s}") for c in chart_list() for s in CHART_SUFFIXES}
    assert set(targets) == expected
    bad = []
    for url in sorted(targets):
        status, data = fetch(url)
        if status != 200 or not data:
            bad.append(f"{url}: HTTP {status}, {len(data)} bytes (linked from {targets[url][0]})")
    assert bad == [], "\n".join(map(str, bad))


@pytest.mark.slow
def test_each_table_page_offers_its_csv_xlsx_and_json(site, pages):
    for res in annex():
        url = f"{SLUG}/tables/{res['table_number']:02d}/"
        box = page_tree(pages, url).select("div", "download-box")
        assert len(box) == 1, url
        links = [(a.text(), urljoin(site.url(url), a.attrs["href"])) for a in box[0].select("a")]
        assert links == [("CSV", site.url(f"{SLUG}/package/{res['path']}")),
                         ("XLSX", site.url(f"{SLUG}/downloads/{res['name']}.xlsx")),
                         ("JSON", site.url(f"{SLUG}/downloads/{res['name']}.json"))]
        assert all("download" in a.attrs for a in box[0].select("a"))


# ---- 2. the CSV download is the package file ------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.params_from("name", table_resources)
def test_csv_download_is_the_package_file_byte_for_byte(name, fetch):
    csv_downloads = [d for d in downloads.for_resource(first_report(), name) if d.kind == "CSV"]
    assert [d.path for d in csv_downloads] == [f"{SLUG}/package/{resources()[name]['path']}"]
    served = body(fetch, csv_downloads[0].path)
    assert served == package_bytes(name)
    assert not served.startswith(b"\xef\xbb\xbf")  # UTF-8 without BOM, as the download box says


@pytest.mark.slow
def test_every_package_file_is_published_as_it_is(fetch):
    files = sorted(p for p in first_report().folder.rglob("*") if p.is_file())
    assert len(files) == 29  # datapackage.json, 27 CSV, source/report.txt
    differ = [p.name for p in files if body(fetch, f"{SLUG}/package/{p.relative_to(first_report().folder).as_posix()}") != p.read_bytes()]
    assert differ == [], "\n".join(map(str, differ))


# ---- 3. the XLSX twins ----------------------------------------------------------------------------------
def sheet_problems(ws, res: dict, data: bytes) -> list[str]:
    """A worksheet against the resource's CSV → one line per difference (empty when they agree)."""
    fields = res["schema"]["fields"]
    missing = res["schema"].get("missingValues", [""])
    header, rows = read_csv(data)
    assert header == [f["name"] for f in fields]
    grid = list(ws.iter_rows())
    problems = []
    unit = "金额单位：万元" if any(f.get("unit") == "万元" for f in fields) else None
    top = [r[0].value for r in grid[:4]]
    if top[:3] != [res["title"], unit, f"说明：{res.get('note') or res.get('description', '')}"]:
        problems.append(f"title/unit/note lines are {top[:3]}")
    if not str(top[3]).startswith(f"来源：{descriptor()['report']['unit']}{descriptor()['report']['year']}年度"):
        problems.append(f"source line is {top[3]!r}")
    if any(c.value is not None for r in grid[:4] for c in r[1:]):
        problems.append("text beside the title/unit/note lines")
    if [c.value for c in grid[4]] != [f["title"] for f in fields]:
        problems.append(f"header row 5 is {[c.value for c in grid[4]]}")
    data_rows = grid[5:]
    if len(data_rows) != len(rows):
        problems.append(f"{len(data_rows)} data rows, the CSV has {len(rows)}")
    for i, (cells, raw) in enumerate(zip(data_rows, rows), start=6):
        if len(cells) != len(fields):
            problems.append(f"row {i}: {len(cells)} cells")
        for f, cell, text in zip(fields, cells, raw):
            where = f"{cell.coordinate} ({f['name']}, CSV {text!r})"
            v = cell.value
            if text == "":
                if v is not None:
                    problems.append(f"{where}: {v!r} instead of an empty cell")
            elif text in missing:  # '—': not applicable, kept as text
                if v != text or cell.data_type != "s":
                    problems.append(f"{where}: {v!r} ({cell.data_type})")
            elif f["type"] == "integer":
                if not (isinstance(v, int) and not isinstance(v, bool) and v == int(text) and cell.data_type == "n"):
                    problems.append(f"{where}: {v!r} ({cell.data_type})")
            elif f["type"] == "number":
                if not (isinstance(v, (int, float)) and cell.data_type == "n"
                        and Decimal(str(v)).quantize(Decimal("0.01")) == Decimal(text).quantize(Decimal("0.01"))
                        and Decimal(str(v)) == Decimal(text)):
                    problems.append(f"{where}: {v!r} ({cell.data_type})")
                elif f.get("unit") == "万元" and cell.number_format != "#,##0.00":
                    problems.append(f"{where}: number format {cell.number_format!r}, not two decimals")
            else:
                if v != text or cell.data_type != "s":
                    problems.append(f"{where}: {v!r} ({cell.data_type})")
                elif is_code_field(f) and cell.number_format != "@":
                    problems.append(f"{where}: code cell not formatted as text ({cell.number_format!r})")
    return problems


@pytest.mark.slow
@pytest.mark.params_from("name", table_resources)
def test_xlsx_twin_has_the_values_of_the_csv(name, fetch):
    res = resources()[name]
    wb = openpyxl.load_workbook(io.BytesIO(body(fetch, f"{SLUG}/downloads/{name}.xlsx")))
    assert wb.sheetnames == [name[:31]]
    problems = sheet_problems(wb.worksheets[0], res, package_bytes(name))
    assert problems == [], "\n".join(problems)


@pytest.mark.slow
def test_xlsx_code_cells_are_text_with_their_digits_intact(fetch):
    """Every classification code of the 附表 and the code list: a string cell, exactly the CSV text."""
    checked, bad = 0, []
    for name in [r["name"] for r in annex()] + ["codes"]:
        res = resources()[name]
        ws = openpyxl.load_workbook(io.BytesIO(body(fetch, f"{SLUG}/downloads/{name}.xlsx"))).worksheets[0]
        header, rows = read_csv(package_bytes(name))
        for col, f in enumerate(res["schema"]["fields"]):
            if not is_code_field(f):
                continue
            for i, raw in enumerate(rows):
                if raw[col] == "":
                    continue
                cell = ws.cell(row=6 + i, column=col + 1)
                checked += 1
                if cell.data_type != "s" or cell.value != raw[col]:
                    bad.append(f"{name} {cell.coordinate}: {cell.value!r} ({cell.data_type}), CSV {raw[col]!r}")
    assert bad == [], "\n".join(map(str, bad))
    codes_in_csvs = sum(1 for name in [r["name"] for r in annex()] + ["codes"]
                        for f_i, f in enumerate(resources()[name]["schema"]["fields"]) if is_code_field(f)
                        for raw in read_csv(package_bytes(name))[1] if raw[f_i] != "")
    assert checked == codes_in_csvs
    assert checked > 100


@pytest.mark.slow
def test_tables_workbook_has_the_15_tables_in_order(fetch):
    wb = openpyxl.load_workbook(io.BytesIO(body(fetch, f"{SLUG}/downloads/tables.xlsx")))
    assert wb.sheetnames == [f"附表{n:02d}" for n in range(1, 16)]
    assert len(wb.worksheets) == 15
    problems = []
    for ws, res in zip(wb.worksheets, annex()):
        problems += [f"{ws.title}: {p}" for p in sheet_problems(ws, res, package_bytes(res["name"]))]
    assert problems == [], "\n".join(map(str, problems))


# ---- 4. the JSON twins ----------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.params_from("name", table_resources)
def test_json_twin_has_the_values_of_the_csv(name, fetch):
    res = resources()[name]
    fields = res["schema"]["fields"]
    missing = res["schema"].get("missingValues", [""])
    doc = json.loads(body(fetch, f"{SLUG}/downloads/{name}.json"), parse_float=Decimal)
    assert list(doc) == ["resource", "title", "fields", "rows", "derived"]  # derived: tests/test_readers_tables.py
    assert doc["resource"] == name
    assert doc["title"] == res["title"]
    assert doc["fields"] == [{"name": f["name"], "title": f["title"], "type": f["type"]} for f in fields]
    header, rows = read_csv(package_bytes(name))
    assert len(doc["rows"]) == len(rows)
    bad = []
    for i, (obj, raw) in enumerate(zip(doc["rows"], rows), start=1):
        if list(obj) != header:
            bad.append(f"row {i}: keys {list(obj)}")
            continue
        for f, text in zip(fields, raw):
            v = obj[f["name"]]
            where = f"row {i} {f['name']} (CSV {text!r})"
            if text == "—":  # not applicable: kept as "—", as in the CSV and XLSX
                ok = v == "—"
            elif text in missing:  # '' (undisclosed): null
                ok = v is None
            elif f["type"] == "integer":
                ok = type(v) is int and v == int(text)
            elif f["type"] == "number":
                ok = isinstance(v, (int, Decimal)) and not isinstance(v, bool) and Decimal(v) == Decimal(text)
            else:
                ok = v == text
            if not ok:
                bad.append(f"{where}: {v!r}")
    assert bad == [], "\n".join(map(str, bad))


# ---- 5. the zip ------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_zip_is_a_valid_package_with_readme_and_the_package_files(fetch, tmp_path):
    data = body(fetch, f"{SLUG}/downloads/{SLUG}.zip")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        names = z.namelist()
        files = sorted(p for p in first_report().folder.rglob("*") if p.is_file())
        assert sorted(names) == sorted([f"{SLUG}/README.md"] + [f"{SLUG}/{p.relative_to(first_report().folder).as_posix()}" for p in files])
        z.extractall(tmp_path)
    differ = [p.name for p in files if (tmp_path / SLUG / p.relative_to(first_report().folder)).read_bytes() != p.read_bytes()]
    assert differ == [], "\n".join(map(str, differ))
    readme = (tmp_path / SLUG / "README.md").read_text(encoding="utf-8")
    assert readme.startswith(f"# {descriptor()['title']}\n")
    assert f"版本：{descriptor()['version']}" in readme
    unmentioned = [r["path"] for r in descriptor()["resources"] if f"### {r['path']}：{r['title']}" not in readme]
    assert unmentioned == [], "\n".join(map(str, unmentioned))
    undescribed = [f"{r['name']}.{f['name']}" for r in descriptor()["resources"] for f in r.get("schema", {}).get("fields", [])
                   if f"- `{f['name']}`（{f['title']}，{f['type']}）" not in readme]
    assert undescribed == [], "\n".join(map(str, undescribed))
    run = subprocess.run([str(FRICTIONLESS), "validate", str(tmp_path / SLUG / "datapackage.json")],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "INVALID" not in run.stdout


# ---- 6. checksums and sizes ------------------------------------------------------------------------------
def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_human_size_format():
    assert [views.human_size(n) for n in (0, 916, 1023, 1024, 6360, 1024 * 1024 - 1, 1024 * 1024, 1572864)] == [
        "0 B", "916 B", "1023 B", "1.0 KB", "6.2 KB", "1024.0 KB", "1.0 MB", "1.5 MB"]


@pytest.mark.slow
def test_sha256sums_lists_every_file_with_its_served_checksum(fetch):
    text = body(fetch, f"{SLUG}/downloads/SHA256SUMS").decode("ascii")
    lines = text.splitlines()
    assert text.endswith("\n")
    assert len(lines) == 85  # every download but SHA256SUMS itself
    listed, bad = [], []
    for line in lines:
        m = re.fullmatch(r"([0-9a-f]{64})  (\S+)", line)
        assert m, line
        listed.append(f"{SLUG}/{m.group(2)}")
        if sha(body(fetch, f"{SLUG}/{m.group(2)}")) != m.group(1):
            bad.append(m.group(2))
    assert bad == [], "\n".join(map(str, bad))
    assert sorted(listed) == sorted(d.path for d in downloads.downloads(first_report()) if not d.path.endswith("/SHA256SUMS"))


@pytest.mark.slow
def test_data_page_checksums_and_sizes_match_the_served_files(site, pages, fetch):
    url = f"{SLUG}/data/"
    tree = page_tree(pages, url)
    tables = tree.select("table", "downloads")
    assert len(tables) == 1
    rows = tables[0].select("tbody")[0].select("tr")
    assert len(rows) == 86
    bad, seen = [], []
    for tr in rows:
        label, kind_cell, size_cell, hash_cell = tr.select("td")
        a = kind_cell.select("a")[0]
        target = urljoin(site.url(url), a.attrs["href"])
        seen.append(target)
        data = body(fetch, target)
        if hash_cell.text() != sha(data):
            bad.append(f"{target}: sha256 shown {hash_cell.text()}, served {sha(data)}")
        if size_cell.text() != views.human_size(len(data)):
            bad.append(f"{target}: size shown {size_cell.text()}, served {len(data)} bytes")
        if "download" not in a.attrs or not label.text().strip():
            bad.append(f"{target}: no download attribute or no label")
    assert bad == [], "\n".join(map(str, bad))
    assert sorted(seen) == sorted(site.url(d.path) for d in downloads.downloads(first_report()))
    # The main buttons: the whole package with its size and sha256, the workbook with its size.
    main = tree.select("div", "download-main")[0]
    zip_data = body(fetch, f"{SLUG}/downloads/{SLUG}.zip")
    book = body(fetch, f"{SLUG}/downloads/tables.xlsx")
    texts = {urljoin(site.url(url), a.attrs["href"]): a.text() for a in main.select("a")}
    assert texts == {site.url(f"{SLUG}/downloads/{SLUG}.zip"): f"下载完整数据包（ZIP，{views.human_size(len(zip_data))}）",
                     site.url(f"{SLUG}/downloads/tables.xlsx"): f"十五张附表（XLSX 工作簿，{views.human_size(len(book))}）",
                     site.url(f"{SLUG}/downloads/SHA256SUMS"): "校验值 SHA256SUMS"}
    assert [c.text() for c in main.select("code")] == [sha(zip_data)]


@pytest.mark.slow
def test_download_boxes_show_the_served_checksums_and_sizes(site, pages, fetch):
    bad, count = [], 0
    for rel, tree in pages.items():
        for box in tree.select("div", "download-box"):
            for li in box.select("li"):
                count += 1
                a = li.select("a")[0]
                data = body(fetch, urljoin(site.url(rel), a.attrs["href"]))
                size = li.select("span", "size")[0].text()
                shown = li.select("span", "hash")[0]
                if size != views.human_size(len(data)):
                    bad.append(f"{rel} {a.attrs['href']}: size {size}, served {len(data)} bytes")
                if shown.attrs.get("title") != f"SHA-256：{sha(data)}" or shown.text() != f"SHA-256 {sha(data)[:12]}…":
                    bad.append(f"{rel} {a.attrs['href']}: {shown.attrs.get('title')} / {shown.text()}, served {sha(data)}")
    assert bad == [], "\n".join(map(str, bad))
    assert count == 45  # 15 table pages × CSV, XLSX, JSON


@pytest.mark.slow
def test_chart_download_links_show_the_served_sizes(site, pages, fetch):
    bad, count = [], 0
    labels = {"csv": "数据 CSV", "svg": "SVG", "png": "PNG"}
    for rel, tree in pages.items():
        for p in tree.select("p", "chart-downloads"):
            for a in p.select("a"):
                count += 1
                target = urljoin(site.url(rel), a.attrs["href"])
                data = body(fetch, target)
                suffix = target.rsplit(".", 1)[-1]
                if a.text() != f"{labels[suffix]}（{views.human_size(len(data))}）":
                    bad.append(f"{rel} {a.attrs['href']}: {a.text()!r}, served {len(data)} bytes")
    assert bad == [], "\n".join(map(str, bad))
    assert count == 3 * len(chart_list())


@pytest.mark.slow
def test_served_chart_files_are_those_the_chart_builder_makes(fetch):
    differ = [f"{c.id}.{s}" for c in chart_list() for s, data in chart_files.files(c).items()
              if body(fetch, f"{SLUG}/charts/{c.id}.{s}") != data]
    assert differ == [], "\n".join(map(str, differ))


# ---- 7. determinism --------------------------------------------------------------------------------------
def _later_clock(m: pytest.MonkeyPatch, days: int = 3) -> None:
    """Every clock the builders can read (time.time, datetime.now in openpyxl) moved `days` ahead."""
    real = time.time
    shift = datetime.timedelta(days=days, seconds=7)

    class Later(datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.datetime.now(tz) + shift

        @classmethod
        def utcnow(cls):
            return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) + shift

    fake = types.SimpleNamespace(**{k: getattr(datetime, k) for k in dir(datetime) if not k.startswith("__")})
    fake.datetime = Later
    m.setattr(time, "time", lambda: real() + shift.total_seconds())
    m.setattr(openpyxl.writer.excel, "datetime", fake)
    m.setattr(openpyxl.packaging.core, "datetime", fake)


def test_builders_give_identical_bytes_when_called_twice(monkeypatch):
    """XLSX, JSON, zip and SHA256SUMS built now and again "three days later" are the same bytes."""
    build = downloads.downloads.__wrapped__  # the builder itself, not the per-report cache
    first = {d.path: d.data for d in build(first_report())}
    with monkeypatch.context() as m:
        _later_clock(m)
        second = {d.path: d.data for d in build(first_report())}
        book_again = downloads._workbook(first_report(), [(r["name"], f"附表{r['table_number']:02d}") for r in annex()])
        zip_again = downloads.package_zip(first_report())
    assert sorted(first) == sorted(second)
    differ = [p for p in first if first[p] != second[p]]
    assert differ == [], f"{len(differ)} files differ: " + ", ".join(differ)
    assert book_again == first[f"{SLUG}/downloads/tables.xlsx"]
    assert zip_again == first[f"{SLUG}/downloads/{SLUG}.zip"]


@pytest.mark.slow
def test_the_built_site_serves_what_a_fresh_build_makes(fetch):
    """The files the mkdocs build published (another process, earlier) equal the builders' output now."""
    fresh = downloads.downloads.__wrapped__(load(first_report().folder))
    differ = [d.path for d in fresh if body(fetch, d.path) != d.data]
    assert differ == [], f"{len(differ)} files differ: " + ", ".join(differ)


# ---- 8. Fiscal Data Package annotations -------------------------------------------------------------------
def test_amount_fields_of_the_annex_tables_carry_currency_factor_phase_and_direction():
    amounts, balances, bad = [], [], []
    for res in annex():
        names = {f["name"]: f for f in res["schema"]["fields"]}
        for f in res["schema"]["fields"]:
            if f["type"] != "number" or f.get("unit") != "万元":
                continue
            amounts.append(f"{res['name']}.{f['name']}")
            where = f"{res['name']}.{f['name']}"
            if f.get("balance") is True:
                balances.append(where)
            if (f.get("columnType"), f.get("currency"), f.get("factor")) != ("value", "CNY", 10000):
                bad.append(f"{where}: columnType/currency/factor {f.get('columnType')}/{f.get('currency')}/{f.get('factor')}")
            if f.get("phase") not in ("executed", "approved"):
                bad.append(f"{where}: phase {f.get('phase')!r}")
            has_direction = f.get("direction") in ("revenue", "expenditure")
            has_field = f.get("directionField") == "side"
            if f.get("balance") is True:  # 年初/年末结转和结余: a balance, neither revenue nor expenditure
                if has_direction or has_field:
                    bad.append(f"{where}: a balance has no direction")
            elif has_direction == has_field:
                bad.append(f"{where}: direction {f.get('direction')!r}, directionField {f.get('directionField')!r}")
            if has_field:
                side = names.get("side")
                if side is None:
                    bad.append(f"{where}: directionField 'side' names no field of {res['name']}")
                elif side.get("directionMap") != {"收入": "revenue", "支出": "expenditure"} \
                        or sorted(side["constraints"]["enum"]) != sorted(side["directionMap"]):
                    bad.append(f"{where}: the side field maps {side.get('directionMap')}")
    assert bad == [], "\n".join(map(str, bad))
    assert len(amounts) == 48  # t01 1, t02 7, t03 6, t04 4, t05–t07 3 each, t08 1, t09 1, t10 2, t11 6, t12 2, t13 6, t14 3
    assert balances == [f"{t}.{f}" for t in ("t11_govfund_income_expenditure", "t13_soe_income_expenditure")
                        for f in ("opening", "closing")]
    # The only number field of the 附表 that is not an amount in 万元: 附表十五's 数值, whose unit is per row.
    others = [f"{r['name']}.{f['name']}" for r in annex() for f in r["schema"]["fields"]
              if f["type"] == "number" and f.get("unit") != "万元"]
    assert others == ["t15_running_costs_assets_procurement.value"]
    # The budget columns are the approved phase, everything else executed.
    approved = [f"{r['name']}.{f['name']}" for r in annex() for f in r["schema"]["fields"] if f.get("phase") == "approved"]
    assert approved == ["t10_gpb_three_public.budget", "t12_govfund_three_public.budget"]
    fiscal = descriptor()["fiscal"]
    assert (fiscal["currency"], fiscal["factor"], fiscal["fiscalPeriod"]) == (
        "CNY", 10000, {"start": f"{descriptor()['report']['year']}-01-01", "end": f"{descriptor()['report']['year']}-12-31"})


def test_code_fields_are_annotated_with_the_classification_of_their_codes():
    scheme_of = {row["code"]: row["scheme"] for row in csv.DictReader(io.StringIO(package_bytes("codes").decode("utf-8")))}
    annotated, bad = {}, []
    for res in annex():
        header, rows = read_csv(package_bytes(res["name"]))
        for col, f in enumerate(res["schema"]["fields"]):
            if f["name"] != "code":
                continue
            m = re.fullmatch(r"(functional|economic)-classification:generic:code", f.get("columnType", ""))
            if not m:
                bad.append(f"{res['name']}.code: columnType {f.get('columnType')!r}")
                continue
            annotated[res["name"]] = m.group(1)
            wrong = sorted({r[col] for r in rows if r[col] and scheme_of.get(r[col]) != m.group(1)})
            if wrong:
                bad.append(f"{res['name']}.code is {m.group(1)} but holds {wrong}")
    assert bad == [], "\n".join(map(str, bad))
    assert annotated == {"t01_income_expenditure_summary": "functional", "t02_income": "functional",
                         "t03_expenditure": "functional", "t04_fiscal_summary": "functional",
                         "t05_fiscal_expenditure_by_economic": "economic", "t06_gpb_expenditure": "functional",
                         "t07_gpb_expenditure_by_economic": "economic", "t08_gpb_basic_expenditure": "economic"}


def test_the_annotated_package_passes_stock_frictionless_validation():
    run = subprocess.run([str(FRICTIONLESS), "validate", str(first_report().folder / "datapackage.json")],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "INVALID" not in run.stdout


# ---- 9. citations -----------------------------------------------------------------------------------------
GBT = re.compile(r"(?P<unit>[^.]+)\. (?P<title>.+)\[DS/OL\]\. 数据包版本 (?P<version>\S+)\. \[引用日期\]\. (?P<url>\S+)\.")
BIB = re.compile(r"@misc\{(?P<key>[A-Za-z0-9-]+),\n  author = \{\{(?P<author>[^{}]+)\}\},\n  title = \{(?P<title>[^{}]+)\},\n"
                 r"  howpublished = \{数据包版本 (?P<version>[^{}]+)\},\n  note = \{(?P<note>[^{}]+)\},\n  url = \{(?P<url>[^{}]+)\}\n\}")


def canonical(tree: Node, url: str) -> str:
    """The page's stable address: its canonical link (site_url configured), else the path from the root."""
    links = [n.attrs["href"] for n in tree.select("link") if n.attrs.get("rel") == "canonical"]
    return links[0] if links else "/" + url


def cite_problems(block: Node, title: str, url: str) -> tuple[list[str], str]:
    """A details.cite block → (problems, BibTeX key)."""
    problems = []
    if [s.text() for s in block.select("summary")] != ["如何引用"]:
        problems.append("no 如何引用 summary")
    codes = [c.text() for c in block.select("code")]
    if len(codes) != 2:
        return [f"{len(codes)} code blocks"], ""
    gbt, bib = GBT.fullmatch(codes[0]), BIB.fullmatch(codes[1])
    if not gbt:
        problems.append(f"GB/T 7714 line: {codes[0]!r}")
    elif (gbt["unit"], gbt["title"], gbt["version"], gbt["url"]) != (descriptor()["report"]["unit"], title, descriptor()["version"], url):
        problems.append(f"GB/T 7714 line: {codes[0]!r}, expected title {title!r}, url {url!r}")
    if not bib:
        problems.append(f"BibTeX: {codes[1]!r}")
        return problems, ""
    if (bib["author"], bib["title"], bib["version"], bib["url"]) != (descriptor()["report"]["unit"], title, descriptor()["version"], url):
        problems.append(f"BibTeX: {codes[1]!r}, expected title {title!r}, url {url!r}")
    return problems, bib["key"]


@pytest.mark.slow
def test_every_table_page_says_how_to_cite_it(pages):
    specs = [s for s in site_pages.pages(first_report()) if s.kind == "table"]
    assert len(specs) == 15
    bad, keys = [], []
    for s in specs:
        tree = page_tree(pages, s.url)
        blocks = [b for b in tree.select("details", "cite") if b.ancestor("figure", "chart") is None]
        if len(blocks) != 1:
            bad.append(f"{s.url}: {len(blocks)} citation blocks")
            continue
        url = canonical(tree, s.url)
        assert url.endswith("/" + s.url)
        problems, key = cite_problems(blocks[0], f"{descriptor()['title']}：{s.title}", url)
        bad += [f"{s.url}: {p}" for p in problems]
        keys.append(key)
    assert bad == [], "\n".join(map(str, bad))
    assert len(set(keys)) == 15


@pytest.mark.slow
def test_every_chart_says_how_to_cite_it(pages):
    bad, found = [], []
    for rel, tree in pages.items():
        for fig in tree.select("figure", "chart"):
            cid = fig.attrs["id"].removeprefix("chart-")
            found.append(cid)
            chart = next((c for c in chart_list() if c.id == cid), None)
            if chart is None:
                bad.append(f"{rel}: unknown chart {cid}")
                continue
            blocks = fig.select("details", "cite")
            if len(blocks) != 1:
                bad.append(f"{rel} #{fig.attrs['id']}: {len(blocks)} citation blocks")
                continue
            page = rel.removesuffix("index.html")
            url = canonical(tree, page) + "#chart-" + cid
            assert url.split("#")[0].endswith("/" + page)
            problems, key = cite_problems(blocks[0], f"{descriptor()['title']}：图表“{chart.title}”", url)
            bad += [f"{rel} #{fig.attrs['id']}: {p}" for p in problems]
            if key != f"{SLUG}-chart-{cid}".replace("_", "-"):
                bad.append(f"{rel} #{fig.attrs['id']}: BibTeX key {key}")
    assert bad == [], "\n".join(map(str, bad))
    assert sorted(found) == sorted(c.id for c in chart_list())  # every chart shown once


@pytest.mark.slow
def test_the_data_page_says_how_to_cite_the_package(pages):
    url = f"{SLUG}/data/"
    tree = page_tree(pages, url)
    blocks = tree.select("details", "cite")
    assert len(blocks) == 1
    problems, key = cite_problems(blocks[0], descriptor()["title"], canonical(tree, url))
    assert problems == [], "\n".join(map(str, problems))
    assert key == f"{SLUG}-package"
