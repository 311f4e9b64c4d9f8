"""The Dockerfile and docs/deploy/compose.yaml cannot be built here (no Docker engine); these
tests check that everything they name exists in the project and means what they assume."""

from __future__ import annotations

import ast
import asyncio
import json
import re
import shlex
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from typer.testing import CliRunner

from app.cli import cli
from app.config import Settings
from app.main import create_app

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "docs" / "deploy"


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [arguments for kw, arguments in self.instructions if kw == keyword]


def stages() -> list[Stage]:
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    found: list[Stage] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, arguments = line.partition(" ")
        keyword, arguments = keyword.upper(), " ".join(arguments.split())
        if keyword == "FROM":
            base, _, name = arguments.partition(" AS ")
            found.append(Stage(base, name or None))
        else:
            found[-1].instructions.append((keyword, arguments))
    return found


def exec_form(arguments: str) -> list[str]:
    value = json.loads(arguments)
    assert isinstance(value, list) and all(isinstance(v, str) for v in value), arguments
    return value


def settings_names() -> set[str]:
    return {f"IXON_{name.upper()}" for name in Settings.model_fields}


def assert_valid_command(args: list[str]) -> None:
    """`ixon-api ARGS --help` accepts every option given (Typer refuses unknown ones)."""
    options = [a for a in args if a.startswith("--")]
    result = CliRunner().invoke(cli, [*args, "--help"])
    assert result.exit_code == 0, (args, result.output)
    for option in options:
        assert option in result.output, (args, option)


def test_two_stages_and_a_slim_final_image_without_build_tools() -> None:
    build, final = stages()
    assert build.name and final.base == "python:3.11-slim"
    assert any("gcc" in run for run in build.all("RUN"))
    for run in final.all("RUN"):
        assert not re.search(r"\b(apt-get|apk|gcc|build-essential)\b", run), run


def test_every_copied_file_exists() -> None:
    build, final = stages()
    for stage in (build, final):
        for arguments in stage.all("COPY"):
            words = shlex.split(arguments)
            flags = [w for w in words if w.startswith("--")]
            sources = [w for w in words if not w.startswith("--")][:-1]
            if any(f.startswith("--from=") for f in flags):
                assert flags == [f"--from={build.name}"], arguments
                made_in_build = " ".join(a for _, a in build.instructions)
                assert all(s in made_in_build for s in sources), arguments
                continue
            for source in sources:
                assert (ROOT / source).exists(), f"COPY {source}: not in the project"
    copied = " ".join(final.all("COPY"))
    for needed in ("alembic.ini", "migrations/", "openapi/"):
        assert needed in copied
    assert "app/" in " ".join(build.all("COPY"))


def test_files_named_by_run_exist() -> None:
    for stage in stages():
        for run in stage.all("RUN"):
            for path in re.findall(r"(?:-c|-r) (\S+)", run):
                assert (ROOT / path).is_file(), f"RUN names {path}, which is not in the project"


def test_it_runs_as_a_user_it_creates() -> None:
    final = stages()[-1]
    (user,) = final.all("USER")
    assert user not in ("root", "0")
    assert any("useradd" in run and user in run for run in final.all("RUN"))


def test_entry_point_command_and_environment_exist() -> None:
    final = stages()[-1]
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    (entrypoint,) = final.all("ENTRYPOINT")
    assert exec_form(entrypoint) == ["ixon-api"] and "ixon-api" in scripts
    (command,) = final.all("CMD")
    args = exec_form(command)
    assert args[0] == "serve"
    assert_valid_command(args)
    for env in final.all("ENV"):
        for name in re.findall(r"\b(IXON_[A-Z_]+)=", env):
            assert name in settings_names(), name
    production = {
        name: value
        for name, value in re.findall(r"\b(IXON_[A-Z_]+)=(\S+)", " ".join(final.all("ENV")))
    }
    assert production["IXON_ENVIRONMENT"] == "production"


def test_the_health_check_probes_healthz_on_the_served_port() -> None:
    final = stages()[-1]
    (healthcheck,) = final.all("HEALTHCHECK")
    probe = exec_form(healthcheck.partition("CMD ")[2])
    assert probe[:2] == ["python", "-c"]
    ast.parse(probe[2])  # valid Python
    url = re.search(r"http://127\.0\.0\.1:(\d+)(/\w+)", probe[2])
    assert url is not None
    args = exec_form(final.all("CMD")[0])
    assert url.group(1) == args[args.index("--port") + 1]
    assert asyncio.run(status_of(url.group(2))) == 200


async def status_of(path: str) -> int:
    transport = httpx.ASGITransport(app=create_app(Settings()))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return (await client.get(path)).status_code


def compose() -> dict[str, Any]:
    return dict(yaml.safe_load((DEPLOY / "compose.yaml").read_text()))


def ixon_services() -> dict[str, dict[str, Any]]:
    return {n: s for n, s in compose()["services"].items() if s.get("image") == "ixon-api:latest"}


def test_compose_builds_this_dockerfile_and_runs_real_commands() -> None:
    services = ixon_services()
    assert {"migrate", "api", "outbox"} <= set(services)
    for name, service in services.items():
        build = service["build"]
        assert (DEPLOY / build["context"] / build["dockerfile"]).resolve() == ROOT / "Dockerfile"
        assert_valid_command(service["command"])
        for variable in service["environment"]:
            if variable.startswith("IXON_"):
                assert variable in settings_names(), (name, variable)
    assert services["api"]["deploy"]["replicas"] >= 2
    assert services["api"]["environment"]["IXON_OUTBOX_WORKER"] == "false"
    assert services["outbox"]["command"] == ["outbox"]
    assert services["api"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )


@pytest.mark.parametrize("needed", ["postgres", "redis", "mailpit", "proxy"])
def test_compose_has_the_documented_topology(needed: str) -> None:
    assert needed in compose()["services"]


def test_the_proxy_config_exists_and_points_at_the_replicas() -> None:
    proxy = compose()["services"]["proxy"]
    for volume in proxy["volumes"]:
        source = volume.split(":")[0]
        assert (DEPLOY / source).is_file(), source
    config = (DEPLOY / "nginx.conf").read_text()
    api = ixon_services()["api"]["command"]
    assert f"server api:{api[api.index('--port') + 1]}" in config
    assert re.search(r"location = /metrics \{\s*return 404;", config)
