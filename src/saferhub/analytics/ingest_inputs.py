"""Turning what a user gives us (files, folders, zip archives, gzip) into input files to load.

A user hands over whatever they downloaded: single CSV files, ``.csv.gz`` copies, a folder of
them (searched recursively), or police.uk's monthly archive ``YYYY-MM.zip`` whose members are
``YYYY-MM/YYYY-MM-<force>-<dataset>.csv``. Each becomes one :class:`InputFile` with a display
name (``archive.zip!member`` for archive members), a way to read its bytes *as given* (what
``sha256sum`` sees: the compressed bytes of a ``.gz`` file, the extracted bytes of an archive
member) and a way to read its *uncompressed* bytes.
"""

from __future__ import annotations

import gzip
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["InputError", "InputFile", "expand_inputs"]


class InputError(Exception):
    """An input cannot be read at all (missing, unreadable, corrupt compression)."""


@dataclass(frozen=True)
class InputFile:
    """One file to load: a plain file, a gzip file, or a member of a zip archive."""

    name: str
    """Shown to users and stored in source_file.name / quarantine.file_name."""
    basename: str
    """The file's own name without ``.gz`` (archive members: without their folder)."""
    path: Path
    """The file on disk (for archive members, the archive)."""
    member: str | None
    """Archive member name, or None."""
    gzipped: bool

    def read_as_given(self) -> bytes:
        """The bytes as the user has them: a ``.gz`` file compressed, an archive member extracted
        (the bytes ``sha256sum`` gives the checksum of); InputError saying why if unreadable."""
        if not self.gzipped:
            return self.read_bytes()
        try:
            return self.path.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read file content: {exc}") from exc

    def read_bytes(self) -> bytes:
        """The uncompressed content; InputError saying why if it cannot be read."""
        try:
            if self.member is not None:
                with zipfile.ZipFile(self.path) as archive:
                    return archive.read(self.member)
            raw = self.path.read_bytes()
            if self.gzipped:
                return gzip.decompress(raw)
            return raw
        except (OSError, EOFError, zlib.error, zipfile.BadZipFile) as exc:
            kind = "gzip" if self.gzipped else ("zip" if self.member else "file")
            raise InputError(f"cannot read {kind} content: {exc}") from exc


def _strip_gz(name: str) -> tuple[str, bool]:
    if name.lower().endswith(".gz"):
        return name[:-3], True
    return name, False


def _archive_members(path: Path) -> Iterator[InputFile]:
    try:
        with zipfile.ZipFile(path) as archive:
            names = sorted(info.filename for info in archive.infolist() if not info.is_dir())
    except (OSError, zipfile.BadZipFile) as exc:
        raise InputError(f"{path}: not a readable zip archive: {exc}") from exc
    for member in names:
        base = member.rsplit("/", 1)[-1]
        if not base.lower().endswith(".csv"):
            continue
        yield InputFile(f"{path}!{member}", base, path, member, gzipped=False)


def _one(path: Path) -> Iterator[InputFile]:
    if path.suffix.lower() == ".zip":
        yield from _archive_members(path)
        return
    base, gzipped = _strip_gz(path.name)
    yield InputFile(str(path), base, path, None, gzipped)


def expand_inputs(
    paths: Iterable[Path | str],
    *,
    accept: Callable[[str], bool] | None = None,
) -> list[InputFile]:
    """All input files under ``paths`` (folders recursively, zip archives by member), in order.

    ``accept`` filters files found inside folders and archives by their base name (files named
    explicitly are always kept, so a wrongly named file is refused with a reason rather than
    silently ignored). InputError if a path does not exist.
    """
    found: list[InputFile] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                lower = child.name.lower()
                if not (lower.endswith((".csv", ".csv.gz", ".zip"))):
                    continue
                for item in _one(child):
                    if accept is None or accept(item.basename):
                        found.append(item)
        elif path.suffix.lower() == ".zip":
            found.extend(item for item in _one(path) if accept is None or accept(item.basename))
        else:
            found.extend(_one(path))
    return found
