"""Pure rules over plain data.

Nothing in this package imports textual, sqlmodel, sqlalchemy, jinja2 or docx: the rules are
tested without a database or a terminal, and every layer above may call them.
"""
