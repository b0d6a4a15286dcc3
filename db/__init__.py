"""Storage only: models, column types, engine, migrations glue, audit chain, backup."""
