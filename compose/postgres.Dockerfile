# PostgreSQL 15 from Debian's packages for compose.yaml (two engines on one store). Built FROM the
# engine's own base image (Debian bookworm), so it needs no registry the engine's build does not.
FROM node:22-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-15 \
    && rm -rf /var/lib/apt/lists/*
ENV PATH=/usr/lib/postgresql/15/bin:$PATH \
    PGDATA=/var/lib/postgresql/data
COPY compose/postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
RUN mkdir -p "$PGDATA" /run/postgresql \
    && chown -R postgres:postgres /var/lib/postgresql /run/postgresql && chmod 700 "$PGDATA"
USER postgres
VOLUME ["/var/lib/postgresql/data"]
EXPOSE 5432
HEALTHCHECK --interval=10s --timeout=5s CMD ["pg_isready", "-q", "-h", "127.0.0.1"]
STOPSIGNAL SIGINT
CMD ["postgres-entrypoint.sh"]
