"""Per-test databases on the real FerretDB/MongoDB."""

from shared.config import load_settings
from shared.mongo import connect


def mongo_uri() -> str:
    return load_settings().mongo_uri


def drop_databases(prefix: str) -> None:
    client = connect(mongo_uri())
    try:
        for name in client.list_database_names():
            if name.startswith(prefix):
                client.drop_database(name)
    finally:
        client.close()
