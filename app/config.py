"""Settings, read once from the environment (prefix ``IXON_``) and from a `.env` file.

The `.env` file (in the working directory; `IXON_ENV_FILE` names another) is what `make run`
and the `ixon-api` commands share: `make run PORT=8765` records `IXON_PUBLIC_URL` there, so an
`ixon-api invite` run beside it links to the port that is served. A variable set in the
environment wins over the file.
"""

from __future__ import annotations

import os
from email.utils import parseaddr
from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network, ip_network
from typing import Literal

from limits import parse_many
from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LIMIT_SETTINGS = (
    "login_limit_per_account_client",
    "login_limit_per_account",
    "login_limit_per_address",
    "login_limit_global",
    "recover_limit_per_address",
    "recover_limit_per_client",
)
PLACEHOLDER_SECRET = "change-me-development-only-secret"  # noqa: S105 - refused in production
ENV_FILE = ".env"
ENV_FILE_VARIABLE = "IXON_ENV_FILE"


class Settings(BaseSettings):
    """Every knob of the service. The docs' configuration page is generated from this class."""

    # The service and the commands read `.env` (through `get_settings`); a Settings made
    # in code reads the environment only.
    model_config = SettingsConfigDict(env_prefix="IXON_", extra="ignore", env_file_encoding="utf-8")

    environment: Literal["development", "production"] = Field(
        "development", description="`production` refuses a missing or placeholder secret key."
    )
    database_url: str = Field(
        "sqlite+aiosqlite:///./ixon.db",
        description="SQLAlchemy URL: `sqlite+aiosqlite:///path` or `postgresql+asyncpg://...`.",
    )
    database_pool_size: int = Field(10, ge=1, description="PostgreSQL connections per process.")
    secret_key: str = Field(
        PLACEHOLDER_SECRET, description="Signs action tokens (invite and e-mail links)."
    )
    public_url: str = Field(
        "http://127.0.0.1:8000",
        description="Where the invitee pages are served; the default branding links here.",
    )
    default_branding: str = Field(
        "portal.ixon.cloud", description="The `Api-Branding` domain the built-in branding answers."
    )
    default_branding_serves_all: bool = Field(
        False, description="Let the default branding answer any unknown `Api-Branding` domain."
    )
    invite_ttl: int = Field(7 * 24 * 3600, ge=60, description="Invite lifetime in seconds.")
    invite_expired_grace: int = Field(
        30 * 24 * 3600,
        ge=0,
        description="Seconds past its expiry before the outbox worker's sweep closes an invite "
        "as expired (announcing `invite.expired`); until then an administrator can still "
        "resend it, which renews it (the invitee's expired-link page tells them to ask).",
    )
    portal_session_ttl: int = Field(
        12 * 3600,
        ge=300,
        le=5_184_000,
        description="Seconds an account-portal sign-in lasts (its access token's lifetime).",
    )
    rate_limit_storage: str = Field(
        "memory://", description="`limits` storage URI: `memory://` or `redis://host:port`."
    )
    login_limit_per_account_client: str = Field(
        "5/15minutes",
        description="Failed attempts at one account's secret from one client address (limits "
        "notation); that client is then refused until the window ends. Counted per kind of "
        "secret: log-in password, `oldPassword` of a password change, two-factor code.",
    )
    login_limit_per_account: str = Field(
        "20/hour",
        description="Failed attempts at one account's secret from anywhere; past it, the "
        "clients that have already failed on the account share one attempt per delay, the "
        "delay doubling from 1 s. Clients that have not failed are never held back by it.",
    )
    login_limit_per_address: str = Field(
        "50/5minutes",
        description="Failed attempts from one client address at any accounts (limits notation).",
    )
    login_limit_global: str = Field(
        "1000/minute",
        description="Failed attempts service-wide; past it, every client that has failed in "
        "its own window waits for this window to end (clients without failures still pass).",
    )
    login_delay_max_seconds: int = Field(
        900, ge=1, description="Longest delay between attempts at a much-attacked account."
    )
    recover_limit_per_address: str = Field(
        "5/hour",
        description="Password-reset and registration e-mails to one address (limits notation).",
    )
    recover_limit_per_client: str = Field(
        "30/hour",
        description="Password-reset and registration requests from one client address.",
    )
    password_hash_threads: int = Field(
        0, ge=0, description="Threads verifying passwords; 0 means one per CPU core."
    )
    mail_backend: str = Field(
        "console", description="`console`, `file`, `smtp`, `memory` or a `module:Class` path."
    )
    mail_dir: str = Field("./mail", description="Folder of the `file` mail backend.")
    smtp_host: str = Field("127.0.0.1", description="SMTP server host.")
    smtp_port: int = Field(25, description="SMTP server port.")
    smtp_username: str | None = Field(None, description="SMTP user name, if the server wants one.")
    smtp_password: str | None = Field(None, description="SMTP password.")
    smtp_starttls: bool = Field(False, description="Upgrade the SMTP connection with STARTTLS.")
    smtp_tls: bool = Field(False, description="Connect to the SMTP server over TLS directly.")
    smtp_timeout: float = Field(
        30, gt=0, description="Seconds to wait for each step of an SMTP conversation."
    )
    smtp_ca_file: str | None = Field(
        None, description="PEM file of the certificates to trust for SMTP TLS (default: system)."
    )
    mail_from: str = Field(
        "IXON Cloud <no-reply@localhost>",
        description="Sender of the default branding's e-mail: `Name <address>` or an address.",
    )
    mail_send_timeout: float = Field(
        60, gt=0, description="Seconds one message may take to send before it counts as failed."
    )
    outbox_worker: bool = Field(True, description="Run the outbox mail worker in the API process.")
    outbox_poll_interval: float = Field(
        2, gt=0, description="Seconds the outbox worker sleeps when nothing is due."
    )
    outbox_batch_size: int = Field(
        20, ge=1, description="Messages one outbox worker claims at a time."
    )
    outbox_lease_seconds: int = Field(
        300,
        ge=10,
        description="How long a claimed message stays reserved for its worker; a crashed "
        "worker's messages are sent by another one after this. Longer than `mail_send_timeout`.",
    )
    outbox_max_attempts: int = Field(
        8, ge=1, description="Attempts before a message is given up (its state becomes failed)."
    )
    outbox_retry_base_seconds: float = Field(
        30, gt=0, description="Wait after the first failed attempt; doubled after each next one."
    )
    outbox_retry_max_seconds: float = Field(
        3600, gt=0, description="Longest wait between two attempts of a message."
    )
    webhook_timeout: float = Field(
        10, gt=0, le=60, description="Seconds a webhook receiver has to connect and answer."
    )
    webhook_give_up_seconds: float = Field(
        3 * 24 * 3600,
        gt=0,
        description="How long a webhook delivery is retried (exponential backoff) before it is "
        "given up: the endpoint is then disabled and the company's administrators are told.",
    )
    webhook_allowed_networks: str = Field(
        "",
        description="Comma-separated networks (`127.0.0.1/32, 10.0.0.0/8`) that webhook URLs may "
        "point into although they are private, loopback or link-local (refused otherwise).",
    )
    audit_retention_days: int = Field(
        365,
        ge=1,
        description="Days the audit log keeps an event; `ixon-api audit purge` deletes older ones.",
    )
    log_level: str = Field("INFO", description="Log level of the service's own loggers.")
    log_format: Literal["auto", "json", "text"] = Field(
        "auto",
        description="`json` (one object a line), `text` (for people), or `auto`: json in "
        "production, text in development.",
    )
    metrics_enabled: bool = Field(
        True, description="Serve Prometheus metrics at `/metrics` (keep it off the public proxy)."
    )
    metrics_token: str | None = Field(
        None,
        description="When set, `/metrics` answers only `Authorization: Bearer <this value>` "
        "(Prometheus: `authorization: {credentials: ...}`).",
    )
    metrics_allowed_clients: str = Field(
        "",
        description="Comma-separated client addresses or networks (`10.0.0.0/8, 127.0.0.1`) "
        "that may read `/metrics`; empty: any client that reaches the port.",
    )
    health_timeout: float = Field(
        5, gt=0, description="Seconds `/readyz` and `/metrics` wait for the database."
    )
    max_body_bytes: int = Field(
        1024 * 1024,
        ge=1024,
        description="Largest request body accepted (bytes); a larger one is a 413, unread.",
    )
    max_bulk_body_bytes: int = Field(
        4 * 1024 * 1024,
        ge=1024,
        description="Largest body of a bulk operation (a JSON array of up to 4,000 items).",
    )

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        if self.environment == "production" and (
            self.secret_key == PLACEHOLDER_SECRET or len(self.secret_key) < 32
        ):
            raise ValueError(
                "IXON_SECRET_KEY must be set to a random value of at least 32 characters "
                "in production"
            )
        return self

    @model_validator(mode="after")
    def _check_mail(self) -> Settings:
        address = parseaddr(self.mail_from)[1]
        if "@" not in address or any(c in self.mail_from for c in "\r\n"):
            raise ValueError("IXON_MAIL_FROM must be an e-mail address or `Name <address>`")
        if self.outbox_lease_seconds <= self.mail_send_timeout:
            raise ValueError("IXON_OUTBOX_LEASE_SECONDS must be longer than IXON_MAIL_SEND_TIMEOUT")
        if self.outbox_lease_seconds <= self.webhook_timeout:
            raise ValueError("IXON_OUTBOX_LEASE_SECONDS must be longer than IXON_WEBHOOK_TIMEOUT")
        return self

    @model_validator(mode="after")
    def _check_limits(self) -> Settings:
        for name in LIMIT_SETTINGS:
            try:
                valid = len(parse_many(getattr(self, name))) == 1
            except ValueError:
                valid = False
            if not valid:
                raise ValueError(
                    f"IXON_{name.upper()} must be in limits notation, such as 10/5minutes"
                )
        return self

    @model_validator(mode="after")
    def _check_metrics_clients(self) -> Settings:
        try:
            self.metrics_networks  # noqa: B018 - parsed once here so a typo stops start-up
        except ValueError:
            raise ValueError(
                "IXON_METRICS_ALLOWED_CLIENTS must be addresses or networks such as "
                "10.0.0.0/8, separated by commas"
            ) from None
        return self

    @property
    def metrics_networks(self) -> list[IPv4Network | IPv6Network]:
        """The `metrics_allowed_clients` (an address is a network of one)."""
        parts = [p.strip() for p in self.metrics_allowed_clients.split(",")]
        return [ip_network(part, strict=False) for part in parts if part]

    @model_validator(mode="after")
    def _check_webhook_networks(self) -> Settings:
        try:
            self.webhook_networks  # noqa: B018 - parsed once here so a typo stops start-up
        except ValueError:
            raise ValueError(
                "IXON_WEBHOOK_ALLOWED_NETWORKS must be addresses or networks such as "
                "127.0.0.1/32, separated by commas"
            ) from None
        return self

    @property
    def webhook_networks(self) -> list[IPv4Network | IPv6Network]:
        """The `webhook_allowed_networks` (an address is a network of one)."""
        parts = [p.strip() for p in self.webhook_allowed_networks.split(",")]
        return [ip_network(part, strict=False) for part in parts if part]

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def env_file() -> str:
    """The `.env` file the settings read (and `make run` writes)."""
    return os.environ.get(ENV_FILE_VARIABLE) or ENV_FILE


@lru_cache
def get_settings() -> Settings:
    return Settings(_env_file=env_file())
