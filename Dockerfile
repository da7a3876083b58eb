# dealgate: the daemon in a container. Build: docker build -t dealgate .
# Run:   docker run -v /srv/dealgate:/etc/dealgate -e HUBSPOT_SERVICE_KEY dealgate
# The base image is pinned to an exact Python release on an exact Debian release (13, trixie);
# the Python packages come from the hashed locks in requirements/, like `make`. The state lives
# in SQLite (a volume at /var/lib/dealgate) or PostgreSQL (the app lock includes psycopg).
FROM python:3.11.17-slim-trixie AS build
WORKDIR /src
COPY requirements/build.txt ./requirements/
RUN pip install --no-cache-dir --require-hashes -r requirements/build.txt
COPY pyproject.toml README.md cli.py ./
COPY connector ./connector
COPY mappings ./mappings
COPY gates ./gates
COPY state ./state
COPY sync ./sync
COPY sandbox ./sandbox
RUN pip wheel --no-cache-dir --no-deps --no-build-isolation --wheel-dir /dist .

FROM python:3.11.17-slim-trixie
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN useradd --create-home --uid 10001 dealgate \
    && mkdir -p /etc/dealgate /var/lib/dealgate \
    && chown dealgate:dealgate /var/lib/dealgate
COPY requirements/app.txt /tmp/app.txt
RUN pip install --no-cache-dir --require-hashes -r /tmp/app.txt && rm /tmp/app.txt
COPY --from=build /dist/*.whl /tmp/
RUN pip install --no-cache-dir --no-deps /tmp/*.whl && rm /tmp/*.whl
USER 10001:10001
WORKDIR /var/lib/dealgate
ENTRYPOINT ["dealgate"]
CMD ["run", "--config", "/etc/dealgate/dealgate.yaml"]
