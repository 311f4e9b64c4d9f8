"""Settings, read once from the environment (prefix ``IXON_``)."""

from __future__ import annotations

from email.utils import parseaddr
from functools import lru_cache
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRET = "change-me-development-only-secret"  # noqa: S105 - refused in production


class Settings(BaseSettings):
    """Every knob of the service. The docs' configuration page is generated from this class."""

    model_config = SettingsConfigDict(env_prefix="IXON_", extra="ignore")

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
    rate_limit_storage: str = Field(
        "memory://", description="`limits` storage URI: `memory://` or `redis://host:port`."
    )
    login_limit_per_account: str = Field(
        "10/5minutes", description="Failed log-ins allowed per account (limits notation)."
    )
    login_limit_per_address: str = Field(
        "50/5minutes", description="Failed log-ins allowed per client address (limits notation)."
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
    health_timeout: float = Field(
        5, gt=0, description="Seconds `/readyz` and `/metrics` wait for the database."
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
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
