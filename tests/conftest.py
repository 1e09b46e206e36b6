"""Fixtures shared by every layer of tests.

`store` runs each test on a fresh real database: a SQLite file in tmp_path, and, when
FIRSTFILE_TEST_PG names a PostgreSQL server (CI always sets it), also a fresh PostgreSQL
database cloned from a migrated template. Without a server the PostgreSQL case is skipped
with a message saying how to run it, except under CI, where it fails.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from firstfile.storage.engine import Store, open_store
from tests.local_tsa import LocalTsa, Served, serve

# Tests never assert on wall-clock time: a loaded machine makes the first example (which loads
# the holiday calendars, the YAML tables, ...) slow, and hypothesis would call that a failure.
settings.register_profile(
    "firstfile", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("firstfile")

PG_ENV = "FIRSTFILE_TEST_PG"


def _pg_admin_url() -> str | None:
    return os.environ.get(PG_ENV) or None


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep the developer's own database, templates and name out of every test."""
    monkeypatch.delenv("FIRSTFILE_DB", raising=False)
    monkeypatch.delenv("FIRSTFILE_TEMPLATES", raising=False)
    monkeypatch.setenv("FIRSTFILE_USER", "tester")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))


class PostgresServer:
    """Creates throw-away databases on the test server, each a copy of a migrated template."""

    def __init__(self, admin_url: str) -> None:
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        self.admin_url = make_url(admin_url)
        self.admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        self.template = f"firstfile_tpl_{uuid.uuid4().hex[:8]}"
        self.created: list[str] = [self.template]
        self._execute(f'CREATE DATABASE "{self.template}"')
        migrated = open_store(self.url_for(self.template))
        migrated.dispose()

    def _execute(self, sql: str) -> None:
        with self.admin.connect() as conn:
            conn.exec_driver_sql(sql)

    def url_for(self, name: str) -> str:
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    def new_database(self, *, empty: bool = False) -> str:
        """A fresh database: a copy of the migrated template, or empty (for migrations)."""
        name = f"firstfile_t_{uuid.uuid4().hex[:12]}"
        template = "template0" if empty else self.template
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        self.created.append(name)
        return self.url_for(name)

    def drop(self, name: str) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        for name in reversed(self.created):
            self.drop(name)
        self.admin.dispose()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer | None]:
    url = _pg_admin_url()
    if url is None:
        yield None
        return
    server = PostgresServer(url)
    yield server
    server.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of a fresh, empty database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'firstfile.db'}"
        return
    yield from _fresh_postgresql(request)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of a database of each kind with no tables at all (the PostgreSQL one is not
    cloned from the migrated template), for tests that migrate step by step."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'firstfile.db'}"
        return
    yield from _fresh_postgresql(request, empty=True)


def require_pg_server(request: pytest.FixtureRequest) -> PostgresServer:
    """The test PostgreSQL server; without one a PostgreSQL test cannot run here."""
    server = request.getfixturevalue("pg_server")
    if server is None:
        if os.environ.get("CI"):
            # CI always starts a server: there, a missing one is a failure, never a skip.
            pytest.fail(f"{PG_ENV} is not set; .ci/run starts PostgreSQL and sets it")
        pytest.skip(f"set {PG_ENV} to a PostgreSQL URL (see .ci/start-postgres) to run this")
    return server


def _fresh_postgresql(request: pytest.FixtureRequest, *, empty: bool = False) -> Iterator[str]:
    server = require_pg_server(request)
    url = server.new_database(empty=empty)
    yield url
    server.drop(url.rsplit("/", 1)[1])


@pytest.fixture
def pg_store(request: pytest.FixtureRequest) -> Iterator[Store]:
    """An open, migrated store on a fresh PostgreSQL database, for tests about PostgreSQL
    itself (mark them `postgres`)."""
    for url in _fresh_postgresql(request):
        opened = open_store(url)
        yield opened
        opened.dispose()


@pytest.fixture
def other_login(pg_server: PostgresServer | None) -> Iterator[Callable[[Store, str], Store]]:
    """Makes a second real login on a PostgreSQL store's database: other_login(store, name)
    creates the database role ff_<name>_<random> with rights on every table, and returns a
    store connected as it. The roles are dropped afterwards."""
    made: list[tuple[str, str]] = []  # (role, database url)
    stores: list[Store] = []

    def make(store: Store, name: str) -> Store:
        from sqlalchemy.engine import make_url

        assert pg_server is not None and not store.is_sqlite
        role = f"ff_{name}_{uuid.uuid4().hex[:8]}"
        pg_server._execute(f'CREATE ROLE "{role}" LOGIN')
        made.append((role, store.url))
        with store.engine.connect() as conn:
            conn.exec_driver_sql(f'GRANT ALL ON ALL TABLES IN SCHEMA public TO "{role}"')
            conn.exec_driver_sql(f'GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO "{role}"')
            conn.commit()
        url = make_url(store.url).set(username=role, password=None)
        opened = open_store(url.render_as_string(hide_password=False))
        stores.append(opened)
        return opened

    yield make
    for opened in stores:
        opened.dispose()
    from sqlalchemy import create_engine

    for role, url in made:
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.exec_driver_sql(f'DROP OWNED BY "{role}"')
        engine.dispose()
        assert pg_server is not None
        pg_server._execute(f'DROP ROLE IF EXISTS "{role}"')


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """An open, migrated store on a fresh database (SQLite and PostgreSQL)."""
    opened = open_store(db_url)
    yield opened
    opened.dispose()


@pytest.fixture
def two_stores(
    request: pytest.FixtureRequest, db_url: str, tmp_path: Path
) -> Iterator[tuple[Store, Store]]:
    """Two open stores on fresh databases of the same kind, for a test that writes the same
    records two ways and compares the databases."""
    if db_url.startswith("sqlite"):
        other = f"sqlite:///{tmp_path / 'other.db'}"
    else:
        other = require_pg_server(request).new_database()
    stores = (open_store(db_url), open_store(other))
    yield stores
    for opened in stores:
        opened.dispose()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    """An open store on a fresh SQLite file, for tests about SQLite itself and the UI."""
    opened = open_store(str(tmp_path / "firstfile.db"))
    yield opened
    opened.dispose()
@pytest.fixture(scope="session")
def tsa_files(tmp_path_factory: pytest.TempPathFactory) -> LocalTsa:
    """A timestamp authority's CA, certificate and key (made once per test run)."""
    return LocalTsa.create(tmp_path_factory.mktemp("tsa"))


@pytest.fixture
def local_tsa(tsa_files: LocalTsa) -> Iterator[Served]:
    """A real RFC 3161 authority (openssl ts -reply) on 127.0.0.1 for this test."""
    with serve(tsa_files) as served:
        yield served


@pytest.fixture
def broken_tsa() -> Iterator[Served]:
    """An authority that answers every request with HTTP 500."""
    with serve(None) as served:
        yield served
