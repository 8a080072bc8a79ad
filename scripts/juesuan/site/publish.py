"""The build's environment and site configuration → the problems that stop a build (a published build's address, where 报告错误 leads).

A build for publishing (DEPLOY=1, set by the Pages workflow's deploy build) and any build in CI must know
the published address: canonical links, the sitemap, citations and 报告错误 name it. The 报告错误
settings (mkdocs.yml extra) are checked here too, so the link is never dead or a javascript: address.
"""

from __future__ import annotations

import re
from typing import Mapping
from urllib.parse import urlsplit

# Hosts that are not a published address (None: no site_url at all).
LOCAL_HOSTS = (None, "localhost", "127.0.0.1", "::1", "0.0.0.0")
REPOSITORY = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?/[A-Za-z0-9._-]+$")  # GitHub's owner/name
REPORT_SCHEMES = ("https", "mailto")
TRUE = ("true", "1", "yes")


def is_local(url: str | None) -> bool:
    """An address that only this machine can open (or none at all)."""
    return urlsplit(url or "").hostname in LOCAL_HOSTS


def problems(env: Mapping[str, str], site_url: str | None, extra: Mapping) -> list[str]:
    """The environment (CI, DEPLOY, SITE_URL) and mkdocs.yml's site_url and extra → one line per problem."""
    found = []
    ci = env.get("CI", "").lower() in TRUE
    if ci and is_local(site_url):
        found.append(f"in CI (CI=true) SITE_URL must be the published address, not {site_url or '(empty)'}")
    if env.get("DEPLOY", "").lower() in TRUE:
        if not env.get("SITE_URL", "").strip():
            found.append("DEPLOY=1 (a build to publish) needs SITE_URL, the published address such as "
                         "https://<owner>.github.io/<repository>/; it is not set. Set it, or build without DEPLOY.")
        elif is_local(env["SITE_URL"]) and not ci:
            found.append(f"DEPLOY=1 (a build to publish): SITE_URL must be the published address, not {env['SITE_URL']}")
    repository = (extra or {}).get("repository") or ""
    if repository and not REPOSITORY.match(repository):
        found.append(f"SITE_REPO (mkdocs.yml extra.repository) must be a GitHub repository as owner/name, "
                     f"as GITHUB_REPOSITORY gives it; it is {repository!r}")
    report_error = (extra or {}).get("report_error") or ""
    if report_error and urlsplit(report_error).scheme not in REPORT_SCHEMES:
        found.append(f"REPORT_ERROR_URL (mkdocs.yml extra.report_error) must be an https: or mailto: address; "
                     f"it is {report_error!r}")
    for name, variable in LIMITS.items():  # read by site/macros.py and overrides/partials/nav.html
        value = str((extra or {}).get(name) or "").strip()  # unset or empty: no limit
        if value and not value.isdigit():
            found.append(f"{variable} (mkdocs.yml extra.{name}) must be a whole number of 0 or more; it is {value!r}")
    return found


# The large-site limits of mkdocs.yml extra → the environment variable that sets each.
LIMITS = {"home_cards_max": "HOME_CARDS_MAX", "nav_sections_max": "NAV_SECTIONS_MAX", "search_full_max": "SEARCH_FULL_MAX"}


def limit(conf, name: str) -> int | None:
    """A count limit of mkdocs.yml extra (a whole number, possibly from the environment; checked by problems() above)
    → int; None (no limit) when unset or empty."""
    value = str((conf.get("extra") or {}).get(name) or "").strip()
    return int(value) if value else None
