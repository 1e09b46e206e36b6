"""Inserting many plain rows into one table at once, in the caller's transaction.

SQLite takes them as one executemany. PostgreSQL takes them through COPY, which sends the
rows as one stream and parses them once: about a third faster than psycopg's pipelined
executemany for disclosures (their search vector and its index are built as they arrive),
and much faster than one statement per row (docs/PERFORMANCE.md, "Portfolio scale"). The
rows are plain values (no column here has a type that converts them on the way in), so both
store exactly the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table, insert


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows (each with the same columns) into table, without reading anything back."""
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        conn.execute(insert(table), list(rows))
        return
    names = list(rows[0])
    quote = conn.dialect.identifier_preparer.quote
    statement = (f"COPY {quote(table.name)} ({', '.join(quote(name) for name in names)}) "
                 "FROM STDIN")
    driver = conn.connection.driver_connection
    assert driver is not None  # an open connection in a transaction
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([row[name] for name in names])
