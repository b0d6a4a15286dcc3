"""`manage.py export DIR`: every table as CSV plus every stored file, for portability and the funder.

Binary columns (documents, evidence, signature images) are written as files under `files/`
and the CSV cell holds the file's relative path; `manifest.json` lists each file with its
SHA-256 so a copy can be checked later.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import unicodedata
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from db.engine import data_dir

CHUNK = 1000
# Hashes that open accounts or links: never leave the instance, not even hashed.
WITHHELD = {
    ("user", "password_hash"),
    ("auth_session", "key_hash"),
    ("password_reset_token", "token_hash"),
    ("news_subscriber", "token_hash"),
}


def _plain(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def export_everything(engine: Engine, target: Path) -> dict[str, int]:
    """Write the database to `target` (which must be empty or new); returns rows per table."""
    import db.models  # noqa: F401 - every table registered on the metadata

    target.mkdir(parents=True, exist_ok=True)
    if any(target.iterdir()):
        raise FileExistsError(f"{target} is not empty")
    counts: dict[str, int] = {}
    files: list[dict[str, Any]] = []
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            binary = {c.name for c in table.columns if isinstance(c.type, sa.LargeBinary)}
            names = [c.name for c in table.columns]
            with (target / f"{table.name}.csv").open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(names)
                count = 0
                result = conn.execution_options(yield_per=CHUNK).execute(
                    sa.select(table).order_by(*table.primary_key.columns)
                )
                for row in result:
                    record = dict(zip(names, row, strict=True))
                    for column in binary:
                        record[column] = _write_file(target, table.name, column, record, files)
                    for column in names:
                        if (table.name, column) in WITHHELD:
                            record[column] = "(withheld)"
                    writer.writerow([_plain(record[n]) for n in names])
                    count += 1
            counts[table.name] = count
    manifest = {"exported_at": datetime.now().astimezone().isoformat(), "tables": counts, "files": files}
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return counts


def _write_file(target: Path, table: str, column: str, record: dict[str, Any], files: list[dict[str, Any]]) -> str:
    content = record.get(column)
    if content is None and record.get("path"):
        stored = data_dir() / str(record["path"])
        content = stored.read_bytes() if stored.is_file() else None
    if content is None:
        return ""
    relative = Path("files") / table / f"{record['id']}-{_label(str(record.get('filename') or column + '.bin'))}"
    (target / relative).parent.mkdir(parents=True, exist_ok=True)
    (target / relative).write_bytes(bytes(content))
    files.append({"path": str(relative), "sha256": hashlib.sha256(content).hexdigest(), "bytes": len(content)})
    return str(relative)


def _label(name: str) -> str:
    """Only the last part of a stored name, in safe characters: never a folder (path traversal)."""
    base = unicodedata.normalize("NFKC", name).replace("\\", "/").rsplit("/", 1)[-1]
    return re.sub(r"[^\w.\-]+", "_", base).strip("._")[:100] or "file"
