"""Consistent backups: SQLite's online backup API, or pg_dump for PostgreSQL."""

import os
import shutil
import sqlite3
import subprocess
import tarfile
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy.engine import make_url

# Instance files that belong in a backup besides the database (uploads, search index, secret key).
INSTANCE_SKIP = {"opora.db", "opora.db-wal", "opora.db-shm", "mail.log"}


def make_backup(dest, progress=print):
    """Write a timestamped archive with the database dump and instance files; return its path."""
    dest = Path(dest)
    target_dir = dest if dest.suffix == "" else dest.parent
    target_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    archive = dest if dest.suffix else target_dir / f"opora-{stamp}.tar.gz"
    work = target_dir / f".opora-backup-{stamp}"
    work.mkdir()
    try:
        dump = _dump_database(work, progress)
        progress("Архивирование файлов экземпляра…")
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(dump, arcname=dump.name)
            _add_instance_files(tar)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return archive


def _dump_database(work, progress):
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        progress("Копирование базы SQLite…")
        target = work / "opora.db"
        source = sqlite3.connect(url.database)
        try:
            with sqlite3.connect(target) as copy:
                source.backup(copy)
        finally:
            source.close()
        return target
    if url.get_backend_name() == "postgresql":
        progress("Выгрузка базы PostgreSQL (pg_dump)…")
        target = work / "opora.pgdump"
        env = dict(os.environ, PGPASSWORD=url.password or "")
        command = ["pg_dump", "--format=custom", "--no-owner", f"--file={target}",
                   f"--host={url.host or 'localhost'}", f"--port={url.port or 5432}",
                   f"--username={url.username or 'postgres'}", url.database]
        subprocess.run(command, check=True, env=env)
        return target
    raise RuntimeError(f"Резервное копирование не поддерживается для {url.get_backend_name()}")


def _add_instance_files(tar):
    instance = Path(current_app.instance_path)
    for path in sorted(instance.iterdir()):
        skip = path.name in INSTANCE_SKIP or path.name.startswith(".opora-backup-")
        if not skip and not path.name.endswith(".tar.gz"):
            tar.add(path, arcname=f"instance/{path.name}")
