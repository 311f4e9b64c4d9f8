"""The wheel (and so the image's install) carries every file the app reads at run time: the
templates, styles, the favicon and the translation catalogues."""

from __future__ import annotations

import fnmatch
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_data_file_of_the_app_is_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["*"]
    tracked = subprocess.run(
        ["git", "ls-files", "app"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    data = [Path(p).name for p in tracked if not p.endswith(".py")]
    assert {"messages.po", "messages.pot", "favicon.png", "invite.html"} <= set(data)
    missing = [name for name in data if not any(fnmatch.fnmatch(name, p) for p in patterns)]
    assert missing == []
