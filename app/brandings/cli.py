"""`ixon-api branding ...`: operators' own white-label domains."""

from __future__ import annotations

import typer

branding_cli = typer.Typer(
    help="Brandings (white labels) chosen by Api-Branding.", no_args_is_help=True
)
