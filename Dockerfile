# syntax=docker/dockerfile:1
# One image for every Njia service. The command picks the service:
#   docker run njia nameko run --config deploy/nameko.yaml services.accounts.service:AccountsService
# Without a command it runs the gateway. Settings come from NJIA_* environment
# variables (deploy/nameko.yaml maps each one; docs/configuration.md lists them all).

# --- build: install the project and its pinned dependencies into a venv ------------
FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH
RUN python -m venv /opt/venv
WORKDIR /src

# Dependencies first, from pyproject.toml alone, so a code change reuses this layer.
COPY pyproject.toml README.md ./
RUN mkdir services shared \
 && touch services/__init__.py shared/__init__.py \
 && pip install . \
 && rm -rf services shared build ./*.egg-info

# Then the project itself.
COPY services/ services/
COPY shared/ shared/
RUN pip install --no-deps --force-reinstall . \
 && python -m compileall -q /opt/venv

# --- run: the venv, the code and the runtime config; nothing else ------------------
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH

# A fixed numeric id, so Kubernetes' runAsNonRoot can verify it.
RUN groupadd --system --gid 10001 njia \
 && useradd --system --uid 10001 --gid njia --home-dir /app --no-create-home \
            --shell /usr/sbin/nologin njia

COPY --from=build /opt/venv /opt/venv
WORKDIR /app
# Owned by root and read-only to the service user; `nameko run` imports from here.
COPY services/ services/
COPY shared/ shared/
COPY deploy/nameko.yaml deploy/nameko.yaml
RUN python -m compileall -q services shared

USER 10001:10001
EXPOSE 8000
# Health checks live in docker-compose.yml and deploy/k8s/ (they differ per service).
CMD ["nameko", "run", "--config", "deploy/nameko.yaml", "services.gateway.service:GatewayService"]
