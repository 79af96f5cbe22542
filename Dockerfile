# Mason's server image. Build:   docker build -t mason .      (or: podman build --format docker -t mason .)
# Run:  docker run -p 127.0.0.1:5000:5000 -e MASON_API_TOKEN=... mason
# docs/container.md covers the build arguments, volumes, configuration and upgrades.

#: the Python image both stages start from; anything Debian-based with python3 and its
#: venv module (the official slim image, or Debian's python3 + python3-venv).
ARG BASE=docker.io/library/python:3.12-slim

# ---- stage 1: build Mason's wheels and install them, with their dependencies -----------
FROM ${BASE} AS build
# TLS through the system's trust store (behind a TLS-intercepting proxy, mount its CA
# bundle over /etc/ssl/certs/ca-certificates.crt for the build: docs/container.md)
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1 \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never UV_COMPILE_BYTECODE=1
# uv resolves boto3, botocore and aiobotocore's pins in seconds where pip backtracks;
# it runs from a virtualenv, so Debian's python3 and the official image's behave alike
RUN python3 -m venv /opt/build && /opt/build/bin/pip install "uv>=0.5,<1"
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
COPY plugins ./plugins
# declared here, after the steps that do not depend on them, so changing them
# rebuilds only what does
#: the plugins under plugins/ to install, without the "mason-" prefix, separated by spaces
#: (local aws operators-table spark airflow).
ARG PLUGINS="local aws operators-table"
#: more requirements to install beside them, e.g. a third-party plugin ("mason-acme==1.0").
ARG EXTRA_PACKAGES=""
RUN --mount=type=cache,target=/root/.cache/uv \
    set -eu; \
    uv=/opt/build/bin/uv; \
    projects="."; \
    for plugin in $PLUGINS; do \
        if [ ! -f "plugins/mason-$plugin/pyproject.toml" ]; then \
            echo "error: unknown plugin '$plugin' in PLUGINS (choose from: $(ls plugins | sed 's/^mason-//' | tr '\n' ' '))" >&2; \
            exit 2; \
        fi; \
        projects="$projects plugins/mason-$plugin"; \
    done; \
    for project in $projects; do $uv build --quiet --wheel --out-dir /wheels "$project"; done; \
    core="$(ls /wheels/mason_core-*.whl)"; \
    $uv venv --quiet --python "$(command -v python3)" /opt/mason; \
    $uv pip install --quiet --python /opt/mason/bin/python \
        "${core}[server]" $(ls /wheels/*.whl | grep -v /mason_core-) dumb-init $EXTRA_PACKAGES; \
    /opt/mason/bin/mason --version

# ---- stage 2: the runtime: Python, the virtualenv, nothing to build with -----------------
FROM ${BASE}
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    PATH=/opt/mason/bin:$PATH \
    MASON_HOME=/var/lib/mason \
    MASON_CONFIG_DIR=/etc/mason/configs
# the virtualenv's python is a link to the base's, at the same path in both stages
COPY --from=build /opt/mason /opt/mason
COPY container/entrypoint.sh /usr/local/bin/mason-entrypoint
# a non-root user owning only MASON_HOME and the server's root (/data)
RUN set -eu; \
    useradd --uid 10001 --user-group --home-dir /var/lib/mason --no-create-home \
        --shell /usr/sbin/nologin mason; \
    mkdir -p /var/lib/mason /data /etc/mason/configs; \
    chown 10001:10001 /var/lib/mason /data; \
    chmod 0755 /usr/local/bin/mason-entrypoint
USER 10001:10001
WORKDIR /data
VOLUME ["/var/lib/mason"]
EXPOSE 5000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python3", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5000/api/health', timeout=4)"]
# dumb-init is PID 1: it forwards SIGTERM to the server (which then shuts down cleanly)
# and reaps any process a job leaves behind.
ENTRYPOINT ["dumb-init", "--", "mason-entrypoint"]
# 0.0.0.0 inside the container: mason server refuses to start without MASON_API_TOKEN
CMD ["mason", "server", "--host", "0.0.0.0", "--port", "5000", "--root", "/data"]
