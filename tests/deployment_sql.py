"""The database set-up of docs/deployment.md, run from the guide's own SQL blocks.

Shared by the database-attack tests and the hub tests, so the guide cannot drift from
what is tested.
"""

from __future__ import annotations

import re
from pathlib import Path

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "deployment.md"


def guide_sql(marker: str) -> list[str]:
    """The statements of the ```sql block after ``<!-- marker -->`` in the guide."""
    block = re.search(rf"<!-- {marker} -->\s*```sql\n(.*?)```", GUIDE.read_text(), re.DOTALL)
    if block is None:
        msg = f"docs/deployment.md lost its {marker} SQL block"
        raise AssertionError(msg)
    return [s.strip() for s in block.group(1).split(";") if s.strip()]


def setup_as_documented(server: object, database: str, password: str) -> None:
    import psycopg

    connect = {"host": server.host, "port": server.port, "user": server.user,  # type: ignore[attr-defined]
               "autocommit": True}
    with psycopg.connect(dbname="postgres", **connect) as c:
        for statement in guide_sql("service-database"):
            statement = statement.replace("'...'", f"'{password}'")
            statement = statement.replace("DATABASE ketatraining", f'DATABASE "{database}"')
            if statement.startswith("CREATE ROLE"):  # one server may host several tests
                c.execute("DO $$ BEGIN " + statement + "; EXCEPTION WHEN duplicate_object "
                          "THEN NULL; END $$")
                c.execute(f"ALTER ROLE kt_service PASSWORD '{password}'")
                continue
            c.execute(statement)
    with psycopg.connect(dbname=database, **connect) as c:
        for statement in guide_sql("service-schema"):
            c.execute(statement)
