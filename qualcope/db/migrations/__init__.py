"""Alembic migrations shipped inside the package (run programmatically)."""
