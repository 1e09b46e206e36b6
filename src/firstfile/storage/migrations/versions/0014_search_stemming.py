"""Search finds a word's other forms: "thermal" finds "thermally", "cooling" finds "cooled".

SQLite: the FTS5 table is made again with the porter stemmer in front of the unicode61
tokenizer (diacritics still removed), and filled again from the stored disclosures that are
not deleted; its triggers are made again as 0005 left them. PostgreSQL: the generated search
vector uses the `english` text-search configuration instead of `simple` (PostgreSQL 15
cannot change a generated column's expression, so the column and its index are made again,
which computes every stored vector anew). Search queries use the same configuration
(storage/disclosure_queries.py). Downgrading restores the unstemmed index.

Revision ID: 0014_search_stemming
Revises: 0013_vendor_facing_name
"""

from alembic import op

revision = "0014_search_stemming"
down_revision = "0013_vendor_facing_name"
branch_labels = None
depends_on = None

# The searched columns, in the order they weigh in ranking (as in 0001_initial).
SEARCHED = ("title", "summary", "problem", "description", "variants", "advantages", "prior_art")
_COLUMNS = ", ".join(SEARCHED)
_NEW = ", ".join(f"new.{c}" for c in SEARCHED)
_OLD = ", ".join(f"old.{c}" for c in SEARCHED)

STEMMED_TOKENIZER = "porter unicode61 remove_diacritics 2"
PLAIN_TOKENIZER = "unicode61 remove_diacritics 2"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _fts_table(STEMMED_TOKENIZER)
    else:
        _search_vector("english")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _fts_table(PLAIN_TOKENIZER)
    else:
        _search_vector("simple")


def _fts_table(tokenizer: str) -> None:
    """Make the FTS5 table again with tokenizer, index every live disclosure, and make its
    triggers again (a trigger names the table, so it goes with it)."""
    for trigger in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS disclosure_fts_{trigger}")
    op.execute("DROP TABLE IF EXISTS disclosure_fts")
    op.execute(
        f"CREATE VIRTUAL TABLE disclosure_fts USING fts5({_COLUMNS}, content='disclosure', "
        f"content_rowid='id', tokenize='{tokenizer}')"
    )
    # Not 'rebuild': that would index deleted disclosures too, which 0005 keeps out.
    op.execute(
        f"INSERT INTO disclosure_fts(rowid, {_COLUMNS}) "
        f"SELECT id, {_COLUMNS} FROM disclosure WHERE deleted_at IS NULL"
    )
    op.execute(
        "CREATE TRIGGER disclosure_fts_insert AFTER INSERT ON disclosure "
        "WHEN new.deleted_at IS NULL BEGIN "
        f"INSERT INTO disclosure_fts(rowid, {_COLUMNS}) VALUES (new.id, {_NEW}); END"
    )
    op.execute(
        "CREATE TRIGGER disclosure_fts_delete AFTER DELETE ON disclosure "
        "WHEN old.deleted_at IS NULL BEGIN "
        f"INSERT INTO disclosure_fts(disclosure_fts, rowid, {_COLUMNS}) "
        f"VALUES ('delete', old.id, {_OLD}); END"
    )
    op.execute(
        f"CREATE TRIGGER disclosure_fts_update AFTER UPDATE OF {_COLUMNS}, deleted_at "
        "ON disclosure BEGIN "
        f"INSERT INTO disclosure_fts(disclosure_fts, rowid, {_COLUMNS}) "
        f"SELECT 'delete', old.id, {_OLD} WHERE old.deleted_at IS NULL; "
        f"INSERT INTO disclosure_fts(rowid, {_COLUMNS}) "
        f"SELECT new.id, {_NEW} WHERE new.deleted_at IS NULL; END"
    )


def _search_vector(config: str) -> None:
    """Make PostgreSQL's generated, weighted search vector (NULL while deleted, as in 0005)
    and its GIN index again with the text-search configuration config."""
    weights = {"title": "A", "summary": "B"}
    parts = " || ".join(
        f"setweight(to_tsvector('{config}', left(coalesce({c}, ''), 100000)), "
        f"'{weights.get(c, 'C')}')"
        for c in SEARCHED
    )
    op.execute("DROP INDEX IF EXISTS ix_disclosure_search")
    op.execute("ALTER TABLE disclosure DROP COLUMN IF EXISTS search_vector")
    op.execute(
        f"ALTER TABLE disclosure ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS (CASE WHEN deleted_at IS NULL THEN {parts} END) STORED"
    )
    op.execute("CREATE INDEX ix_disclosure_search ON disclosure USING gin (search_vector)")
