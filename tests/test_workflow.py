"""The GitHub Pages workflow (.github/workflows/pages.yml): linted offline with zizmor, validated
against the GitHub workflow JSON schema with check-jsonschema, and checked structurally.

Both linters are pinned in requirements/test.txt and run from the project's venv, with no network:
zizmor with ``--offline`` (no online audits), check-jsonschema with its vendored schema. Each lint
also gets a planted fault, so a linter that silently passes everything is noticed.

What can be checked offline is checked here: the build job runs in a Debian container pinned by
digest; every action is pinned by SHA; permissions are least privilege; the `if:` conditions, read
for each event, let a pull request build, test and upload a downloadable site but never deploy,
while main deploys only after the build job; the published build sets SITE_URL from the Pages step;
and the build refuses a local SITE_URL in CI (the hook in hooks/reports.py). What only GitHub can
show (the image digest, the Pages API answer, the deployment) is listed in README.md.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

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
    "actions/upload-artifact": ("043fb46d1a93c77aae656e7c1c64a875d1fc6a0a", "v7.0.1"),
    "actions/configure-pages": ("45bfe0192ca1faeb007ade9deae92b16b8254a0d", "v6.0.0"),
    "actions/deploy-pages": ("368f82528645a54fb793d4d04e342629a3f51346", "v5.0.1"),
}
# The official Debian 12 image, pinned by the digest of its image index (see the workflow's comment).
IMAGE = re.compile(r"debian:bookworm(?:-slim)?@sha256:[0-9a-f]{64}")
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


def zizmor(path: Path, persona: str = "regular") -> tuple[int, list[dict], str]:
    """Run zizmor offline, no config file, as `persona` (pedantic adds tag-only images); (exit code, findings, stderr)."""
    proc = subprocess.run([str(ZIZMOR), "--offline", "--no-config", f"--persona={persona}", "--format", "json",
                           str(path)], cwd=path.parent, capture_output=True, text=True, timeout=120)
    findings = json.loads(proc.stdout) if proc.stdout.strip() else None
    assert isinstance(findings, list), f"zizmor gave no JSON findings:\n{proc.stdout}\n{proc.stderr}"
    return proc.returncode, findings, proc.stderr


def check_jsonschema(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.github-workflows",
                           str(path)], cwd=path.parent, capture_output=True, text=True, timeout=120)


# ---- the linters on the real workflow ------------------------------------------------------------
@pytest.mark.parametrize("persona", ["regular", "pedantic"])
def test_zizmor_offline_has_no_findings(persona):
    code, findings, stderr = zizmor(WORKFLOW, persona)
    assert findings == [], json.dumps(findings, indent=1)
    assert code == 0, stderr


def test_valid_against_github_workflow_schema():
    proc = check_jsonschema(WORKFLOW)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip() == "ok -- validation done"


# ---- each linter catches a planted fault ---------------------------------------------------------
# zizmor 1.32 exit codes: 0 no findings, 13 worst finding medium, 14 worst finding high.
CHECKOUT_PINNED = "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1"
BUILD_PERMISSIONS = ("    permissions:\n      contents: read # check out the repository\n"
                     "      pages: read # configure-pages reads the site's published address\n")
IMAGE_LINE = "      image: debian:bookworm@sha256:"


@pytest.mark.parametrize(("edits", "audit", "code", "persona"), [
    pytest.param([(CHECKOUT_PINNED, "actions/checkout@main")], "unpinned-uses", 14, "regular", id="branch-ref"),
    pytest.param([(CHECKOUT_PINNED, "actions/checkout@v7")], "unpinned-uses", 14, "regular", id="tag-ref"),
    pytest.param([(BUILD_PERMISSIONS, "    permissions: write-all\n")], "excessive-permissions", 14, "regular",
                 id="job-write-all"),
    pytest.param([("permissions: {}\n", ""), (BUILD_PERMISSIONS, "")], "excessive-permissions", 13, "regular",
                 id="default-token-permissions"),
    pytest.param([("  pull_request:\n", "  pull_request_target:\n")], "dangerous-triggers", 14, "regular",
                 id="pull-request-target"),
    pytest.param([(IMAGE_LINE, "      image: debian:bookworm #")], "unpinned-images", 14, "pedantic",
                 id="image-tag-only"),
    pytest.param([(IMAGE_LINE, "      image: debian #")], "unpinned-images", 14, "regular", id="image-latest"),
])
def test_zizmor_catches_planted_fault(tmp_path, edits, audit, code, persona):
    got_code, findings, stderr = zizmor(planted(tmp_path, *edits), persona)
    assert {f["ident"] for f in findings} == {audit}, json.dumps(findings, indent=1)
    assert got_code == code, stderr


@pytest.mark.parametrize(("old", "new", "message"), [
    pytest.param("    runs-on: ubuntu-24.04\n    timeout-minutes: 45\n", "    timeout-minutes: 45\n",
                 "'runs-on' is a required property", id="missing-runs-on"),
    pytest.param("\nconcurrency:\n", "\ndeploy-on-failure: true\nconcurrency:\n",
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
def steps_of(job: str) -> list[dict]:
    return load_workflow()["jobs"][job]["steps"]


def action(step: dict) -> str | None:
    """The action a step uses, without its ref (None for a `run:` step)."""
    return step["uses"].split("@")[0] if "uses" in step else None


def the_step(job: str, *, uses: str | None = None, run: str | None = None) -> tuple[int, dict]:
    """(index, step) of the one step of `job` that uses this action or runs this command."""
    found = [(i, s) for i, s in enumerate(steps_of(job))
             if (uses is not None and action(s) == uses) or (run is not None and s.get("run") == run)]
    assert len(found) == 1, f"expected one step with uses={uses!r} run={run!r} in {job}, found {len(found)}"
    return found[0]


# The only parts an `if:` of this workflow may use: read for one event and ref by runs_if() below.
CONDITION_TOKENS = re.compile(r"'[^']*'|github\.event_name|github\.ref|==|!=|&&|\|\||[()\s]")


def runs_if(condition: str | None, event: str, ref: str) -> bool:
    """Whether a job or step with this `if:` (None: it has none) runs in a run of `event` on `ref`.

    Only github.event_name, github.ref, ==, !=, &&, || and quoted strings are understood; anything else
    (a status function such as always(), another context) fails the test instead of being guessed.
    """
    if condition is None:
        return True
    expr = condition.strip()
    if expr.startswith("${{") and expr.endswith("}}"):
        expr = expr[3:-2]
    assert CONDITION_TOKENS.sub("", expr) == "", f"condition this test cannot read: {condition!r}"
    python = (expr.replace("&&", " and ").replace("||", " or ")
              .replace("github.event_name", repr(event)).replace("github.ref", repr(ref)))
    return bool(eval(python, {"__builtins__": {}}, {}))  # noqa: S307 (only quoted strings and operators are left)


def test_triggers_are_push_to_main_pull_requests_and_manual():
    assert triggers(load_workflow()) == {"push": {"branches": ["main"]}, "pull_request": None,
                                         "workflow_dispatch": None}


def test_top_level_permissions_empty_and_one_run_per_branch_or_pull_request():
    wf = load_workflow()
    assert wf["permissions"] == {}
    # main queues (a run in progress may be deploying); a new push to a pull request cancels its last run.
    assert wf["concurrency"] == {"group": "pages-${{ github.event.pull_request.number || github.ref }}",
                                 "cancel-in-progress": "${{ github.event_name == 'pull_request' }}"}


def test_one_pages_deployment_at_a_time():
    assert load_workflow()["jobs"]["deploy"]["concurrency"] == {"group": "pages", "cancel-in-progress": False}


def test_jobs_permissions_are_least_privilege():
    jobs = load_workflow()["jobs"]
    assert set(jobs) == {"build", "deploy"}
    assert jobs["build"]["permissions"] == {"contents": "read", "pages": "read"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_a_pull_request_runs_no_job_that_can_write():
    for name, job in load_workflow()["jobs"].items():
        if "write" in job["permissions"].values():
            assert not runs_if(job.get("if"), "pull_request", "refs/pull/1/merge"), name


def test_every_job_has_a_timeout():
    jobs = load_workflow()["jobs"]
    assert {name: job.get("timeout-minutes") for name, job in jobs.items()} == {"build": 45, "deploy": 10}


def test_build_runs_in_debian_bookworm_pinned_by_digest():
    build = load_workflow()["jobs"]["build"]
    assert build["runs-on"] == "ubuntu-24.04"
    assert set(build["container"]) == {"image", "options"}  # no credentials: the official public image
    assert IMAGE.fullmatch(build["container"]["image"]), build["container"]["image"]
    # Chromium needs more shared memory than Docker's default 64 MB /dev/shm.
    assert build["container"]["options"] == "--shm-size=2g"
    # The comment says where the digest came from and how the maintainer checks it.
    assert "docker buildx imagetools inspect debian:bookworm" in workflow_text()


def test_build_job_steps_in_order():
    shape = [(action(s), s.get("run")) for s in steps_of("build")]
    assert [(a, r if r is None else r.split()[0]) for a, r in shape] == [
        (None, "apt-get"),
        ("actions/checkout", None),
        (None, "git"),
        ("actions/configure-pages", None),
        (None, "make"),
        (None, "make"),
        ("actions/upload-artifact", None),
        ("actions/upload-pages-artifact", None),
    ]
    assert [r for _, r in shape if r and r.startswith("make")] == ["make test", "make build"]


def test_container_gets_what_make_needs_before_the_checkout():
    """Root in the container, no sudo; git before actions/checkout (or it fetches no .git), and git
    may read the runner-owned checkout (or SOURCE_DATE_EPOCH silently falls back to 0)."""
    steps = steps_of("build")
    install = steps[0]["run"]
    assert install.splitlines()[0] == "apt-get update -qq"
    words = set(install.replace("\\", " ").split())
    assert {"ca-certificates", "git", "make", "python3", "python3-venv"} <= words
    assert "--no-install-recommends" in words
    assert not any("sudo" in s.get("run", "") for s in steps)
    checkout_at, checkout = the_step("build", uses="actions/checkout")
    assert checkout_at == 1 and checkout["with"] == {"persist-credentials": False}
    git = steps[2]["run"].splitlines()
    assert git == ['git config --global --add safe.directory "$GITHUB_WORKSPACE"', "git log -1 --format='%H %ct'"]
    assert load_workflow()["jobs"]["build"]["env"] == {"LANG": "C.UTF-8"}


def test_tests_build_for_a_root_address_that_is_not_local(reports_hook):
    """The test server serves each build at its root, so the tests' SITE_URL has no path; CI refuses a local one."""
    _, make_test = the_step("build", run="make test")
    url = urlsplit(make_test["env"]["SITE_URL"])
    assert url.scheme == "https" and url.path == "/"
    assert url.hostname not in reports_hook.LOCAL_HOSTS


def test_the_published_build_sets_site_url_from_the_pages_step():
    pages_at, pages = the_step("build", uses="actions/configure-pages")
    assert pages["id"] == "pages"
    test_at, _ = the_step("build", run="make test")
    build_at, build = the_step("build", run="make build")
    upload_at, upload = the_step("build", uses="actions/upload-pages-artifact")
    assert pages_at < test_at < build_at < upload_at
    # configure-pages gives base_url without its trailing slash; a pull request (no Pages step) gets the
    # default project-site address.
    # DEPLOY=1: the build refuses an empty or local SITE_URL; SITE_REPO: where 报告错误 opens an issue.
    assert build["env"] == {"SITE_URL": "${{ steps.pages.outputs.base_url || format('https://{0}.github.io/{1}', "
                                        "github.repository_owner, github.event.repository.name) }}/",
                            "DEPLOY": "1", "SITE_REPO": "${{ github.repository }}"}
    assert upload["with"] == {"path": "site"}


def test_pull_request_artifact_is_the_site_to_download():
    _, upload = the_step("build", uses="actions/upload-artifact")
    assert upload["with"] == {"name": "site", "path": "site", "if-no-files-found": "error", "retention-days": 14}


def test_upload_path_is_where_mkdocs_builds():
    """`make build` / `make test` leave the site in mkdocs.yml's site_dir; the artifacts must be that."""
    mkdocs = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    lines = re.findall(r"^site_dir:.*$", mkdocs, re.M)
    # absent means MkDocs' default, "site"; `!ENV [VAR, site]` is site/ unless VAR is set (the
    # Makefile may build elsewhere and then move the result to site/).
    site_dirs = [re.fullmatch(r"site_dir:\s*(?:!ENV \[\w+,\s*(\S+)\]|(\S+))\s*(?:#.*)?", line) for line in lines]
    assert all(site_dirs), lines
    assert [m[1] or m[2] for m in site_dirs] in ([], ["site"]), lines
    uploads = [s for s in steps_of("build")
               if action(s) in ("actions/upload-artifact", "actions/upload-pages-artifact")]
    assert [s["with"]["path"] for s in uploads] == ["site", "site"]


# What runs, read from the `if:` conditions: (build steps that are skipped, does deploy run).
RUNS = {
    "pull-request": ("pull_request", "refs/pull/7/merge",
                     {"actions/configure-pages", "actions/upload-pages-artifact"}, False),
    "push-to-main": ("push", "refs/heads/main", {"actions/upload-artifact"}, True),
    "manual-on-main": ("workflow_dispatch", "refs/heads/main", {"actions/upload-artifact"}, True),
    "manual-on-a-branch": ("workflow_dispatch", "refs/heads/other", {"actions/upload-artifact"}, False),
}


@pytest.mark.parametrize(("event", "ref", "skipped", "deploys"), RUNS.values(), ids=RUNS.keys())
def test_what_runs_for_each_event(event, ref, skipped, deploys):
    jobs = load_workflow()["jobs"]
    assert runs_if(jobs["build"].get("if"), event, ref)
    assert {action(s) or s["run"] for s in jobs["build"]["steps"] if not runs_if(s.get("if"), event, ref)} == skipped
    assert runs_if(jobs["deploy"].get("if"), event, ref) == deploys
    assert all(runs_if(s.get("if"), event, ref) for s in jobs["deploy"]["steps"])


def test_deploy_needs_build_and_cannot_run_after_a_failure():
    wf = load_workflow()
    deploy = wf["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    # Only main deploys (workflow_dispatch may run on another branch), never a pull request; no
    # always()/failure(): runs_if() fails on any status function, so `needs` alone decides.
    assert deploy["if"] == "github.event_name != 'pull_request' && github.ref == 'refs/heads/main'"
    conditioned = []
    for name, job in wf["jobs"].items():
        assert "continue-on-error" not in job, name
        for step in job["steps"]:
            assert "continue-on-error" not in step, (name, step)
            if "if" in step:
                runs_if(step["if"], "push", "refs/heads/main")  # only the understood parts
                conditioned.append(action(step))
    assert conditioned == ["actions/configure-pages", "actions/upload-artifact", "actions/upload-pages-artifact"]


def test_deploy_job_uses_pages_environment_and_deploy_pages():
    deploy = load_workflow()["jobs"]["deploy"]
    assert deploy["environment"] == {
        "name": "github-pages",
        "url": "${{ steps.deployment.outputs.page_url }}",
    }
    steps = deploy["steps"]
    assert [action(s) for s in steps] == ["actions/deploy-pages"]
    assert steps[0]["id"] == "deployment"
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


@pytest.mark.parametrize(("condition", "message"), [
    pytest.param("always()", "cannot read", id="status-function"),
    pytest.param("!cancelled()", "cannot read", id="negation"),
    pytest.param("github.actor == 'me'", "cannot read", id="other-context"),
])
def test_runs_if_refuses_what_it_cannot_read(condition, message):
    with pytest.raises(AssertionError, match=message):
        runs_if(condition, "push", "refs/heads/main")


# ---- the build refuses a local SITE_URL in CI ----------------------------------------------------
@pytest.fixture(scope="module")
def reports_hook():
    """hooks/reports.py, loaded by path as MkDocs loads it."""
    spec = importlib.util.spec_from_file_location("reports_hook_under_test", ROOT / "hooks" / "reports.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_hook_freezes_the_builds_objects_when_mkdocs_shuts_down():
    """on_shutdown (the end of `mkdocs build` or `mkdocs serve`) freezes every object, so that the interpreter's last
    collection does not walk the whole build before the process ends (issue 12). In a process of its own: frozen
    objects are never collected, and this one goes on running tests."""
    code = ("import gc, importlib.util, sys\n"
            f"spec = importlib.util.spec_from_file_location('hook', {str(ROOT / 'hooks' / 'reports.py')!r})\n"
            "hook = importlib.util.module_from_spec(spec); spec.loader.exec_module(hook)\n"
            "garbage = [[] for _ in range(1000)]\n"
            "before = gc.get_freeze_count(); hook.on_shutdown()\n"
            "print(before, gc.get_freeze_count() > len(garbage), len(gc.get_objects()))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.split() == ["0", "True", "0"]


@pytest.mark.parametrize(("ci", "site_url"), [
    ("true", "http://127.0.0.1:8000/"),
    ("true", "http://localhost:8000/juesuan/"),
    ("true", "http://[::1]:8000/"),
    ("true", "http://0.0.0.0:8000/"),
    ("true", None),
    ("1", "http://127.0.0.1:8000/"),
])
def test_hook_refuses_a_local_site_url_in_ci(reports_hook, monkeypatch, ci, site_url):
    from mkdocs.exceptions import PluginError

    monkeypatch.setenv("CI", ci)
    with pytest.raises(PluginError, match=r"^in CI \(CI=true\) SITE_URL must be the published address, not "):
        reports_hook.on_config(SimpleNamespace(site_url=site_url, nav=None))


@pytest.mark.parametrize(("ci", "site_url"), [
    (None, "http://127.0.0.1:8000/"),  # make serve, make test on a machine
    ("false", "http://127.0.0.1:8000/"),
    ("true", "https://example.github.io/juesuan/"),
    ("true", "https://tests.invalid/"),
])
def test_hook_accepts_a_published_site_url_or_a_local_build(reports_hook, monkeypatch, ci, site_url):
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    monkeypatch.setattr(reports_hook, "build", SimpleNamespace(nav=lambda: ["the nav"]))
    config = reports_hook.on_config(SimpleNamespace(site_url=site_url, nav=None, markdown_extensions=["toc"]))
    assert config.nav == ["the nav"]
    assert [type(e).__name__ for e in config.markdown_extensions[1:]] == ["BlocksExtension"]  # juesuan/site/blocks.py


@pytest.mark.slow
def test_build_in_ci_with_a_local_site_url_fails_in_one_line(tmp_path):
    from helpers.build import mkdocs_build

    out = tmp_path / "site"
    done = mkdocs_build(out, CI="true", SITE_URL="http://127.0.0.1:8000/")
    assert done.returncode == 1, done.stdout[-3000:]
    errors = [line for line in done.stdout.splitlines() if line.startswith("ERROR")]
    assert errors == ["ERROR   -  in CI (CI=true) SITE_URL must be the published address, not http://127.0.0.1:8000/"]
    assert "Traceback" not in done.stdout
    assert not out.exists()


# ---- a build for publishing (DEPLOY=1) needs the published address; 报告错误 leads somewhere real ----------
@pytest.mark.parametrize(("env", "message"), [
    ({"DEPLOY": "1"}, "DEPLOY=1 (a build to publish) needs SITE_URL, the published address such as "
                      "https://<owner>.github.io/<repository>/; it is not set. Set it, or build without DEPLOY."),
    ({"DEPLOY": "1", "SITE_URL": "  "}, "DEPLOY=1 (a build to publish) needs SITE_URL, the published address such as "
                                        "https://<owner>.github.io/<repository>/; it is not set. Set it, or build without DEPLOY."),
    ({"DEPLOY": "true", "SITE_URL": "http://localhost:8000/"},
     "DEPLOY=1 (a build to publish): SITE_URL must be the published address, not http://localhost:8000/"),
])
def test_hook_refuses_a_deployment_build_without_a_published_address(reports_hook, monkeypatch, env, message):
    from mkdocs.exceptions import PluginError

    for name in ("CI", "DEPLOY", "SITE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    site_url = env.get("SITE_URL", "").strip() or "http://127.0.0.1:8000/"  # mkdocs.yml's default when SITE_URL is unset
    with pytest.raises(PluginError) as raised:
        reports_hook.on_config(SimpleNamespace(site_url=site_url, nav=None, extra={}))
    assert str(raised.value) == message


@pytest.mark.parametrize(("extra", "message"), [
    ({"repository": "owner/name/extra"}, "SITE_REPO (mkdocs.yml extra.repository) must be a GitHub repository as owner/name, "
                                          "as GITHUB_REPOSITORY gives it; it is 'owner/name/extra'"),
    ({"repository": "https://github.com/o/r"}, "SITE_REPO (mkdocs.yml extra.repository) must be a GitHub repository as owner/name, "
                                                "as GITHUB_REPOSITORY gives it; it is 'https://github.com/o/r'"),
    ({"report_error": "javascript:alert(1)"}, "REPORT_ERROR_URL (mkdocs.yml extra.report_error) must be an https: or mailto: "
                                              "address; it is 'javascript:alert(1)'"),
    ({"report_error": "http://example.org/form"}, "REPORT_ERROR_URL (mkdocs.yml extra.report_error) must be an https: or mailto: "
                                                  "address; it is 'http://example.org/form'"),
    ({"home_cards_max": "six"}, "HOME_CARDS_MAX (mkdocs.yml extra.home_cards_max) must be a whole number of 0 or more; it is 'six'"),
    ({"nav_sections_max": "-1"}, "NAV_SECTIONS_MAX (mkdocs.yml extra.nav_sections_max) must be a whole number of 0 or more; it is '-1'"),
    ({"search_full_max": "12.5"}, "SEARCH_FULL_MAX (mkdocs.yml extra.search_full_max) must be a whole number of 0 or more; it is '12.5'"),
])
def test_hook_refuses_an_extra_setting_that_is_not_one(reports_hook, monkeypatch, extra, message):
    from mkdocs.exceptions import PluginError

    for name in ("CI", "DEPLOY", "SITE_URL"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(PluginError) as raised:
        reports_hook.on_config(SimpleNamespace(site_url="http://127.0.0.1:8000/", nav=None, extra=extra))
    assert str(raised.value) == message


@pytest.mark.parametrize("extra", [{"repository": "some-owner/juesuan.site"}, {"report_error": "mailto:data@example.org"},
                                   {"report_error": "https://example.org/report?page={url}"}, {}])
def test_hook_accepts_a_repository_or_an_address_to_report_errors(reports_hook, monkeypatch, extra):
    for name in ("CI", "DEPLOY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(reports_hook, "build", SimpleNamespace(nav=lambda: ["the nav"]))
    assert reports_hook.on_config(SimpleNamespace(site_url="https://example.github.io/juesuan/", nav=None, extra=extra,
                                                  markdown_extensions=[])).nav == ["the nav"]


def test_two_problems_are_two_lines(reports_hook, monkeypatch):
    from mkdocs.exceptions import PluginError

    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("DEPLOY", "1")
    monkeypatch.delenv("SITE_URL", raising=False)
    with pytest.raises(PluginError) as raised:
        reports_hook.on_config(SimpleNamespace(site_url="http://127.0.0.1:8000/", nav=None, extra={"repository": "x"}))
    assert [line.split(" ")[0] for line in str(raised.value).splitlines()] == ["in", "DEPLOY=1", "SITE_REPO"]
