"""Inserting many plain rows into one table at once, in the caller's transaction.

Both databases are given the rows with the driver's own statement, not a compiled insert:
for each row a compiled insert builds a parameter dictionary and looks up each value's
conversion again, about a tenth of an import's inserting (docs/PERFORMANCE.md, "Rows handed
to the driver").

- SQLite takes them as one executemany of a plain INSERT, each value converted first by its
  column type's own bind processor, exactly as SQLAlchemy's insert would convert it (dates
  and times to text, flags to 0 and 1).
- PostgreSQL takes them through COPY, which sends the rows as one stream and parses them
  once: about a third faster than psycopg's pipelined executemany for disclosures (their
  search vector and its index are built as they arrive), and much faster than one statement
  per row (docs/PERFORMANCE.md, "Portfolio scale"). psycopg adapts the plain values these
  tables hold (text, numbers, flags, dates, aware times) as an insert would.

Neither applies the columns' client-side defaults, so every row must name every column that
has one (ValueError otherwise).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, Table


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows (each with the same columns) into table, without reading anything back."""
    if not rows:
        return
    names = list(rows[0])
    missing = [column.name for column in table.columns
               if column.default is not None and column.name not in names]
    if missing:
        raise ValueError(f"rows for {table.name} lack {', '.join(missing)}, which have defaults")
    quote = conn.dialect.identifier_preparer.quote
    columns = f"{quote(table.name)} ({', '.join(quote(name) for name in names)})"
    if conn.dialect.name != "postgresql":
        converted = _converted(conn, table, names)
        conn.exec_driver_sql(
            f"INSERT INTO {columns} VALUES ({', '.join('?' * len(names))})",  # noqa: S608 - the table's own names, quoted
            [converted(row) for row in rows],
        )
        return
    driver = conn.connection.driver_connection
    assert driver is not None  # an open connection in a transaction
    with driver.cursor() as cursor, cursor.copy(f"COPY {columns} FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[name] for name in names])


def _converted(
    conn: Connection, table: Table, names: list[str]
) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """A row's values in names' order, each through its column type's bind processor for
    this dialect (the conversion a compiled insert applies)."""
    processors = [
        (position, processor)
        for position, name in enumerate(names)
        if (processor := table.c[name].type.dialect_impl(conn.dialect)
            .bind_processor(conn.dialect)) is not None
    ]

    def converted(row: dict[str, Any]) -> tuple[Any, ...]:
        values = [row[name] for name in names]
        for position, processor in processors:
            values[position] = processor(values[position])
        return tuple(values)

    return converted
