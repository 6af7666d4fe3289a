# The participatie app: small, non-root, with a health check.
#   docker build -t participatie .
#   docker compose up            (PostgreSQL, the app with two workers, a mail catcher)
# Settings come from PARTICIPATIE_* environment variables (README.md, "Settings").
ARG PYTHON_IMAGE=python:3.11-slim-bookworm
FROM ${PYTHON_IMAGE}

# Pango and a font for the report PDFs (WeasyPrint); nothing else from Debian. Not pinned:
# pinned Debian versions disappear with every security update and break the build.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md LICENSE ./
COPY participatie ./participatie
COPY templates ./templates
COPY static ./static
# Editable: templates/ and static/ are found beside the package, in /app.
RUN pip install -e . \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin participatie \
    && mkdir -p /app/data && chown participatie /app/data

USER 10001
# SQLite (the default) keeps its file here; with PostgreSQL nothing is written to disk.
VOLUME ["/app/data"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4).status != 200)"]

# Migrates, then serves. PARTICIPATIE_WORKERS sets the number of processes (PostgreSQL only).
CMD ["participatie", "run", "--host", "0.0.0.0", "--port", "8000"]
