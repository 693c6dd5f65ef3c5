"""Applies the migrations in migrations/*.sql that the database has not had yet, in name order,
each in one transaction, and records them in schema_migrations (what alembic does for the real app)."""
import os
import pathlib
import sqlite3

database = os.path.join(os.environ.get("DATA_DIR", "/app/data"), "code_monet.db")
connection = sqlite3.connect(database, timeout=30, isolation_level=None)
connection.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, at TEXT DEFAULT CURRENT_TIMESTAMP)")
done = {row[0] for row in connection.execute("SELECT name FROM schema_migrations")}
applied = 0
for migration in sorted(pathlib.Path(__file__).parent.joinpath("migrations").glob("*.sql")):
    if migration.name in done:
        continue
    connection.execute("BEGIN IMMEDIATE")
    for statement in filter(str.strip, migration.read_text().split(";")):
        connection.execute(statement)
    connection.execute("INSERT INTO schema_migrations (name) VALUES (?)", (migration.name,))
    connection.execute("COMMIT")
    applied += 1
    print("applied", migration.name, flush=True)
print("%d migration(s) applied" % applied)
