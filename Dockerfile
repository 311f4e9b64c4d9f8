# syntax=docker/dockerfile:1
# The API image: `docker build -t ixon-api .`, then see docs/deployment.md and
# docs/deploy/compose.yaml. tests/ops/test_dockerfile.py checks that what this file names exists.

# --- build: compilers only here, for any dependency without a wheel for this platform ---------
FROM python:3.11-slim AS build

RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

# The app runs from /srv/ixon (migrations and alembic.ini are found beside the package), so it
# is installed in place; the dependencies, pinned, go into the virtual environment.
WORKDIR /srv/ixon
COPY .ci/constraints.txt .ci/constraints.txt
COPY pyproject.toml README.md ./
COPY app/ app/
RUN pip install -c .ci/constraints.txt -e .

# --- runtime: the virtual environment and the sources, no compiler, no root ---------------------
FROM python:3.11-slim

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    IXON_ENVIRONMENT=production \
    IXON_LOG_FORMAT=json \
    IXON_DATABASE_URL=sqlite+aiosqlite:////var/lib/ixon/ixon.db \
    IXON_MAIL_DIR=/var/lib/ixon/mail

RUN groupadd --system --gid 10001 ixon \
    && useradd --system --uid 10001 --gid ixon --home-dir /srv/ixon --shell /usr/sbin/nologin ixon \
    && mkdir -p /var/lib/ixon \
    && chown ixon:ixon /var/lib/ixon

COPY --from=build /opt/venv /opt/venv
WORKDIR /srv/ixon
COPY --from=build /srv/ixon /srv/ixon
COPY alembic.ini ./
COPY migrations/ migrations/
COPY openapi/ openapi/

USER ixon
EXPOSE 8000
VOLUME ["/var/lib/ixon"]

# slim has no curl: the probe is Python's own urllib (the port of the default CMD).
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]

ENTRYPOINT ["ixon-api"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
