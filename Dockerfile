# dealgate: the daemon in a container. Build: docker build -t dealgate .
# Run:   docker run -v /srv/dealgate:/etc/dealgate -e HUBSPOT_ACCESS_TOKEN dealgate
# The image can keep its state in SQLite (a volume at /var/lib/dealgate) or PostgreSQL.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md cli.py ./
COPY connector ./connector
COPY mappings ./mappings
COPY gates ./gates
COPY state ./state
COPY sync ./sync
COPY sandbox ./sandbox
RUN pip install --no-cache-dir build && python -m build --wheel --outdir /dist

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN useradd --create-home --uid 10001 dealgate \
    && mkdir -p /etc/dealgate /var/lib/dealgate \
    && chown dealgate:dealgate /var/lib/dealgate
COPY --from=build /dist/*.whl /tmp/
RUN pip install --no-cache-dir "$(ls /tmp/*.whl)[postgres]" && rm /tmp/*.whl
USER dealgate
WORKDIR /var/lib/dealgate
ENTRYPOINT ["dealgate"]
CMD ["run", "--config", "/etc/dealgate/dealgate.yaml"]
