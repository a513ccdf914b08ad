"""The project database: models, engine, open/create/upgrade, migrations."""
