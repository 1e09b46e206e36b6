"""Command-line commands beyond the core ones in cli.py, one module per workflow.

Each module has `register(app, export_app)`, which adds its commands to the root command and
to `firstfile export`.
"""
