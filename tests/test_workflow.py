"""The GitHub Pages workflow (.github/workflows/pages.yml): linted offline with zizmor, validated
against the GitHub workflow JSON schema with check-jsonschema, and checked structurally.

Both linters are pinned in requirements/test.txt and run from the project's venv, with no network:
zizmor with ``--offline`` (no online audits), check-jsonschema with its vendored schema. Each lint
also gets a planted fault, so a linter that silently passes everything is noticed.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"
BIN = Path(sys.executable).parent
ZIZMOR = BIN / "zizmor"
CHECK_JSONSCHEMA = BIN / "check-jsonschema"

# Each action, the commit it is pinned to, and the release that commit was taken from.
PINS = {
    "actions/checkout": ("3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"),
    "actions/upload-pages-artifact": ("fc324d3547104276b827a68afc52ff2a11cc49c9", "v5.0.0"),
    "actions/configure-pages": ("45bfe0192ca1faeb007ade9deae92b16b8254a0d", "v6.0.0"),
    "actions/deploy-pages": ("368f82528645a54fb793d4d04e342629a3f51346", "v5.0.1"),
}
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<action>[\w.-]+/[\w./-]+)@(?P<ref>\S+)"
                       r"\s+#\s+(?P<version>v\d+\.\d+\.\d+)\s*$")


# ---- helpers -------------------------------------------------------------------------------------
def workflow_text() -> str:
    return WORKFLOW.read_text(encoding="utf-8")


def load_workflow() -> dict:
    return yaml.safe_load(workflow_text())


def triggers(wf: dict):
    """PyYAML reads the bare key `on` as YAML 1.1 boolean True; accept either spelling."""
    assert ("on" in wf) != (True in wf), "exactly one `on:` key expected"
    return wf["on"] if "on" in wf else wf[True]


def planted(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    """A copy of the workflow with exact substrings replaced; fails unless each `old` occurs once."""
    text = workflow_text()
    for old, new in edits:
        assert text.count(old) == 1, f"fault cannot be planted: {old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    dest = tmp_path / "pages.yml"
    dest.write_text(text, encoding="utf-8")
    return dest


def zizmor(path: Path) -> tuple[int, list[dict], str]:
    """Run zizmor offline, defaults only (no config file); (exit code, findings, stderr)."""
    proc = subprocess.run([str(ZIZMOR), "--offline", "--no-config", "--format", "json", str(path)],
                          cwd=path.parent, capture_output=True, text=True, timeout=120)
    findings = json.loads(proc.stdout) if proc.stdout.strip() else None
    assert isinstance(findings, list), f"zizmor gave no JSON findings:\n{proc.stdout}\n{proc.stderr}"
    return proc.returncode, findings, proc.stderr


def check_jsonschema(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.github-workflows",
                           str(path)], cwd=path.parent, capture_output=True, text=True, timeout=120)


# ---- the linters on the real workflow ------------------------------------------------------------
def test_zizmor_offline_has_no_findings():
    code, findings, stderr = zizmor(WORKFLOW)
    assert findings == [], json.dumps(findings, indent=1)
    assert code == 0, stderr


def test_valid_against_github_workflow_schema():
    proc = check_jsonschema(WORKFLOW)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip() == "ok -- validation done"


# ---- each linter catches a planted fault ---------------------------------------------------------
# zizmor 1.32 exit codes: 0 no findings, 13 worst finding medium, 14 worst finding high.
CHECKOUT_PINNED = "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1"
BUILD_PERMISSIONS = "    permissions:\n      contents: read # check out the repository\n"


@pytest.mark.parametrize(("edits", "audit", "code"), [
    pytest.param([(CHECKOUT_PINNED, "actions/checkout@main")], "unpinned-uses", 14, id="branch-ref"),
    pytest.param([(CHECKOUT_PINNED, "actions/checkout@v7")], "unpinned-uses", 14, id="tag-ref"),
    pytest.param([(BUILD_PERMISSIONS, "    permissions: write-all\n")], "excessive-permissions", 14,
                 id="job-write-all"),
    pytest.param([("permissions: {}\n", ""), (BUILD_PERMISSIONS, "")], "excessive-permissions", 13,
                 id="default-token-permissions"),
])
def test_zizmor_catches_planted_fault(tmp_path, edits, audit, code):
    got_code, findings, stderr = zizmor(planted(tmp_path, *edits))
    assert {f["ident"] for f in findings} == {audit}, json.dumps(findings, indent=1)
    assert got_code == code, stderr


@pytest.mark.parametrize(("old", "new", "message"), [
    pytest.param("    runs-on: ubuntu-24.04\n    timeout-minutes: 30\n", "    timeout-minutes: 30\n",
                 "'runs-on' is a required property", id="missing-runs-on"),
    pytest.param("concurrency:\n", "deploy-on-failure: true\nconcurrency:\n",
                 "Additional properties are not allowed ('deploy-on-failure' was unexpected)",
                 id="unknown-top-level-key"),
    pytest.param("    timeout-minutes: 10\n", "    timeout-minutes: ten\n",
                 "'ten' is not of type 'number'", id="timeout-not-a-number"),
])
def test_check_jsonschema_catches_planted_fault(tmp_path, old, new, message):
    proc = check_jsonschema(planted(tmp_path, (old, new)))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert message in proc.stdout + proc.stderr


# ---- structure -----------------------------------------------------------------------------------
def test_triggers_are_push_to_main_and_manual():
    assert triggers(load_workflow()) == {"push": {"branches": ["main"]}, "workflow_dispatch": None}


def test_top_level_permissions_empty_and_one_deployment_at_a_time():
    wf = load_workflow()
    assert wf["permissions"] == {}
    assert wf["concurrency"] == {"group": "pages", "cancel-in-progress": False}


def test_jobs_permissions_are_least_privilege():
    jobs = load_workflow()["jobs"]
    assert set(jobs) == {"build", "deploy"}
    assert jobs["build"]["permissions"] == {"contents": "read"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_every_job_has_a_timeout():
    jobs = load_workflow()["jobs"]
    assert {name: job.get("timeout-minutes") for name, job in jobs.items()} == {"build": 30, "deploy": 10}


def test_build_job_checks_out_runs_make_test_then_uploads_site():
    steps = load_workflow()["jobs"]["build"]["steps"]
    shape = [(s.get("uses", "").split("@")[0] or None, s.get("run")) for s in steps]
    assert shape == [
        ("actions/checkout", None),
        (None, "make test"),
        ("actions/upload-pages-artifact", None),
    ]
    assert steps[0]["with"] == {"persist-credentials": False}
    assert steps[2]["with"] == {"path": "site"}


def test_upload_path_is_where_mkdocs_builds():
    """`make build` / `make test` build into mkdocs.yml's site_dir; the artifact must be that."""
    mkdocs = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    site_dirs = re.findall(r"^site_dir:\s*(\S+)\s*$", mkdocs, re.M)
    assert site_dirs in ([], ["site"])  # absent means MkDocs' default, "site"
    upload = load_workflow()["jobs"]["build"]["steps"][2]
    assert upload["with"]["path"] == "site"


def test_deploy_needs_build_and_cannot_run_after_a_failure():
    wf = load_workflow()
    deploy = wf["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    # Only main deploys (workflow_dispatch may run on another branch); no always()/failure().
    assert deploy["if"] == "github.ref == 'refs/heads/main'"
    for name, job in wf["jobs"].items():
        assert "continue-on-error" not in job, name
        for step in job["steps"]:
            assert "continue-on-error" not in step, (name, step)
            assert "if" not in step, (name, step)


def test_deploy_job_uses_pages_environment_and_deploy_pages():
    deploy = load_workflow()["jobs"]["deploy"]
    assert deploy["environment"] == {
        "name": "github-pages",
        "url": "${{ steps.deployment.outputs.page_url }}",
    }
    steps = deploy["steps"]
    assert [s["uses"].split("@")[0] for s in steps] == ["actions/configure-pages", "actions/deploy-pages"]
    assert steps[1]["id"] == "deployment"
    assert all("with" not in s and "run" not in s for s in steps)


def test_every_action_pinned_to_a_full_sha_with_its_version():
    lines = [line for line in workflow_text().splitlines() if re.match(r"^\s*(?:-\s+)?uses:", line)]
    found = {}
    for line in lines:
        m = USES_LINE.match(line)
        assert m, f"not `uses: owner/repo@<sha> # vX.Y.Z`: {line.strip()}"
        assert re.fullmatch(r"[0-9a-f]{40}", m["ref"]), f"not a full commit SHA: {line.strip()}"
        found[m["action"]] = (m["ref"], m["version"])
    assert len(lines) == len(PINS)
    assert found == PINS
    # And the parsed YAML agrees: every step that uses an action names one of these exact refs.
    uses = [s["uses"] for job in load_workflow()["jobs"].values() for s in job["steps"] if "uses" in s]
    assert sorted(uses) == sorted(f"{a}@{sha}" for a, (sha, _) in PINS.items())
