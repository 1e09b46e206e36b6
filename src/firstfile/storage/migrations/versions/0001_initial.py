"""Initial schema: engagements, vendors, people, components, extraction sessions, ideas,
disclosures with inventors, events and full-text search, the audit trail and autosave buffers.

Revision ID: 0001_initial
Revises: 
Create Date: 2026-11-27 15:17:44.447455
"""

from alembic import op
import sqlalchemy as sa


revision = '0001_initial'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('auditevent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('entity', sa.String(length=32), nullable=False),
    sa.Column('entity_key', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('changes', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('auditevent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auditevent_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_auditevent_entity_key'), ['entity_key'], unique=False)

    op.create_table('draftbuffer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner', sa.String(length=64), nullable=False),
    sa.Column('disclosure_key', sa.String(length=32), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('owner')
    )
    op.create_table('engagement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('product', sa.String(length=200), nullable=False),
    sa.Column('phase', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    op.create_table('keysequence',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year')
    )
    op.create_table('vendor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('competitors', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    op.create_table('component',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('engagement_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('value_add', sa.Integer(), nullable=False),
    sa.Column('differentiation', sa.Integer(), nullable=False),
    sa.Column('reverse_engineering_difficulty', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagement.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('engagement_id', 'key')
    )
    with op.batch_alter_table('component', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_component_engagement_id'), ['engagement_id'], unique=False)

    op.create_table('engagementvendor',
    sa.Column('engagement_id', sa.Integer(), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagement.id'], ),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendor.id'], ),
    sa.PrimaryKeyConstraint('engagement_id', 'vendor_id')
    )
    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendor.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    op.create_table('componentvendor',
    sa.Column('component_id', sa.Integer(), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['component_id'], ['component.id'], ),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendor.id'], ),
    sa.PrimaryKeyConstraint('component_id', 'vendor_id')
    )
    op.create_table('extractionsession',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('engagement_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('phase', sa.String(length=16), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=True),
    sa.Column('goal', sa.Text(), nullable=False),
    sa.Column('facilitator_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagement.id'], ),
    sa.ForeignKeyConstraint(['facilitator_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('engagement_id', 'key')
    )
    with op.batch_alter_table('extractionsession', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_extractionsession_engagement_id'), ['engagement_id'], unique=False)

    op.create_table('idea',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('prompt_id', sa.String(length=64), nullable=False),
    sa.Column('component_id', sa.Integer(), nullable=True),
    sa.Column('votes', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['component_id'], ['component.id'], ),
    sa.ForeignKeyConstraint(['session_id'], ['extractionsession.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('idea', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idea_session_id'), ['session_id'], unique=False)

    op.create_table('sessionparticipant',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['session_id'], ['extractionsession.id'], ),
    sa.PrimaryKeyConstraint('session_id', 'person_id')
    )
    op.create_table('disclosure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('engagement_id', sa.Integer(), nullable=True),
    sa.Column('phase', sa.String(length=16), nullable=False),
    sa.Column('submitter', sa.String(length=200), nullable=False),
    sa.Column('business_unit', sa.String(length=200), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('variants', sa.Text(), nullable=False),
    sa.Column('advantages', sa.Text(), nullable=False),
    sa.Column('prior_art', sa.Text(), nullable=False),
    sa.Column('conception_date', sa.Date(), nullable=True),
    sa.Column('reduction_to_practice_date', sa.Date(), nullable=True),
    sa.Column('prototype_exists', sa.Boolean(), nullable=False),
    sa.Column('records_location', sa.Text(), nullable=False),
    sa.Column('third_parties', sa.Text(), nullable=False),
    sa.Column('jurisdictions', sa.String(length=200), nullable=False),
    sa.Column('reverse_engineerable', sa.Boolean(), nullable=True),
    sa.Column('completed_in_china', sa.Boolean(), nullable=False),
    sa.Column('joint', sa.Boolean(), nullable=False),
    sa.Column('source_idea_id', sa.Integer(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagement.id'], ),
    sa.ForeignKeyConstraint(['source_idea_id'], ['idea.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('disclosure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disclosure_engagement_id'), ['engagement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disclosure_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_disclosure_updated_at'), ['updated_at'], unique=False)

    op.create_table('disclosurecomponent',
    sa.Column('disclosure_id', sa.Integer(), nullable=False),
    sa.Column('component_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['component_id'], ['component.id'], ),
    sa.ForeignKeyConstraint(['disclosure_id'], ['disclosure.id'], ),
    sa.PrimaryKeyConstraint('disclosure_id', 'component_id')
    )
    op.create_table('disclosureevent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('disclosure_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('happened_on', sa.Date(), nullable=False),
    sa.Column('jurisdiction', sa.String(length=8), nullable=False),
    sa.Column('reference', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['disclosure_id'], ['disclosure.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('disclosureevent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disclosureevent_disclosure_id'), ['disclosure_id'], unique=False)

    op.create_table('disclosureinventor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('disclosure_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('contribution', sa.Float(), nullable=True),
    sa.Column('organization_key', sa.String(length=64), nullable=False),
    sa.Column('organization_name', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['disclosure_id'], ['disclosure.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('disclosureinventor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disclosureinventor_disclosure_id'), ['disclosure_id'], unique=False)

    _create_search_index()


def downgrade() -> None:
    _drop_search_index()
    with op.batch_alter_table('disclosureinventor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disclosureinventor_disclosure_id'))

    op.drop_table('disclosureinventor')
    with op.batch_alter_table('disclosureevent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disclosureevent_disclosure_id'))

    op.drop_table('disclosureevent')
    op.drop_table('disclosurecomponent')
    with op.batch_alter_table('disclosure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disclosure_updated_at'))
        batch_op.drop_index(batch_op.f('ix_disclosure_status'))
        batch_op.drop_index(batch_op.f('ix_disclosure_engagement_id'))

    op.drop_table('disclosure')
    op.drop_table('sessionparticipant')
    with op.batch_alter_table('idea', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idea_session_id'))

    op.drop_table('idea')
    with op.batch_alter_table('extractionsession', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_extractionsession_engagement_id'))

    op.drop_table('extractionsession')
    op.drop_table('componentvendor')
    op.drop_table('person')
    op.drop_table('engagementvendor')
    with op.batch_alter_table('component', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_component_engagement_id'))

    op.drop_table('component')
    op.drop_table('vendor')
    op.drop_table('keysequence')
    op.drop_table('engagement')
    op.drop_table('draftbuffer')
    with op.batch_alter_table('auditevent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_auditevent_entity_key'))
        batch_op.drop_index(batch_op.f('ix_auditevent_at'))

    op.drop_table('auditevent')


# The text fields searched, in the order they weigh in ranking.
SEARCHED = ("title", "summary", "problem", "description", "variants", "advantages", "prior_art")


def _create_search_index() -> None:
    """SQLite: an FTS5 table kept in step by triggers. PostgreSQL: a generated tsvector."""
    if op.get_bind().dialect.name == "sqlite":
        columns = ", ".join(SEARCHED)
        new_values = ", ".join(f"new.{c}" for c in SEARCHED)
        old_values = ", ".join(f"old.{c}" for c in SEARCHED)
        op.execute(
            f"CREATE VIRTUAL TABLE disclosure_fts USING fts5({columns}, content='disclosure', "
            "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
        )
        op.execute(
            "CREATE TRIGGER disclosure_fts_insert AFTER INSERT ON disclosure BEGIN "
            f"INSERT INTO disclosure_fts(rowid, {columns}) VALUES (new.id, {new_values}); END"
        )
        op.execute(
            "CREATE TRIGGER disclosure_fts_delete AFTER DELETE ON disclosure BEGIN "
            f"INSERT INTO disclosure_fts(disclosure_fts, rowid, {columns}) "
            f"VALUES ('delete', old.id, {old_values}); END"
        )
        # Only a change to a searched column touches the index, so status changes stay cheap.
        op.execute(
            f"CREATE TRIGGER disclosure_fts_update AFTER UPDATE OF {columns} ON disclosure BEGIN "
            f"INSERT INTO disclosure_fts(disclosure_fts, rowid, {columns}) "
            f"VALUES ('delete', old.id, {old_values}); "
            f"INSERT INTO disclosure_fts(rowid, {columns}) VALUES (new.id, {new_values}); END"
        )
    else:
        # A tsvector may not exceed 1 MB, so very long fields are indexed by their first
        # 100,000 characters; the text itself is stored whole.
        weights = {"title": "A", "summary": "B"}
        parts = " || ".join(
            f"setweight(to_tsvector('simple', left(coalesce({c}, ''), 100000)), "
            f"'{weights.get(c, 'C')}')"
            for c in SEARCHED
        )
        op.execute(
            f"ALTER TABLE disclosure ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({parts}) STORED"
        )
        op.execute("CREATE INDEX ix_disclosure_search ON disclosure USING gin (search_vector)")


def _drop_search_index() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS disclosure_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS disclosure_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_disclosure_search")
        op.execute("ALTER TABLE disclosure DROP COLUMN IF EXISTS search_vector")
