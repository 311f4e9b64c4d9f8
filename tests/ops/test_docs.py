"""The documentation: generated pages match the code, links resolve, the README leads with the
two commands and links every page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.config import Settings
from app.observability import docs

ROOT = docs.ROOT
PAGES = (
    "quickstart",
    "portal",
    "configuration",
    "deployment",
    "security",
    "permissions",
    "compatibility",
)


def test_generated_pages_are_current() -> None:
    stale = [
        str(path.relative_to(ROOT))
        for path, text in docs.pages().items()
        if not path.exists() or path.read_text() != text
    ]
    assert not stale, f"stale: {stale}; run `make docs` and commit the result"


def test_every_limit_setting_is_explained_in_the_security_page() -> None:
    page = (ROOT / "docs" / "security.md").read_text()
    for name in Settings.model_fields:
        if name.startswith(("login_limit", "login_delay", "recover_limit", "metrics_")):
            assert f"`IXON_{name.upper()}" in page, name


def test_every_setting_is_described_and_documented() -> None:
    page = (ROOT / "docs" / "configuration.md").read_text()
    for name, field in Settings.model_fields.items():
        assert field.description, f"Settings.{name} has no description"
        assert f"`IXON_{name.upper()}`" in page


def test_every_permission_and_its_operations_are_documented() -> None:
    page = (ROOT / "docs" / "permissions.md").read_text()
    assert "`POST /invites` (InviteList)" in page.split("## `MANAGE_USERS`")[1].split("## ")[0]
    assert "`POST /roles` (RoleList)" in page.split("## `MANAGE_ROLES`")[1].split("## ")[0]


def markdown_files() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("page", markdown_files(), ids=lambda p: p.name)
def test_relative_links_resolve(page: Path) -> None:
    for target in re.findall(r"\]\(([^)\s]+)\)", page.read_text()):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        path = (page.parent / target.partition("#")[0]).resolve()
        assert path.exists(), f"{page.name} links to {target}, which does not exist"


def test_the_readme_leads_with_the_two_commands_and_links_every_page() -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```sh\n(.*?)```", readme, re.DOTALL)
    assert blocks[0].startswith("make run") and blocks[1].startswith("make test")
    for page in PAGES:
        assert f"(docs/{page}.md)" in readme, page


def test_the_quickstart_walks_the_seed_calls() -> None:
    quickstart = (ROOT / "docs" / "quickstart.md").read_text()
    assert quickstart.index("make run") < quickstart.index("make test") < quickstart.index("curl")
    for call in (
        'POST "$BASE/access-tokens',
        '"$BASE/roles',
        '"$BASE/groups',
        'POST "$BASE/invites"',
        '"$BASE/users"',
        'DELETE "$BASE/users"',
    ):
        assert call in quickstart, call
