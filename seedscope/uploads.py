"""Turn files a user uploads into a new corpus folder, without trusting them.

Uploads come from a browser: their names may hold directories, ``..``, NUL or
control characters, and a ``.zip`` may hold absolute paths, symlinks or a
"zip bomb" that inflates to gigabytes. Nothing here trusts a name or a
declared size. Every file lands in a fresh folder created for this upload
only (:func:`new_corpus_folder`), under a name made safe by
:mod:`seedscope.upload_names`, written by :mod:`seedscope.upload_writer`
with exclusive create after checking that its resolved path is inside that
folder; sizes are counted while decompressing, not taken from the
archive's word. This module decides what is accepted (kinds of files,
sizes, zip members) and is the public face of uploads.

Bad input never raises: what cannot be stored is listed in
:attr:`UploadResult.refused` with a reason a user can act on. ``ValueError``
is kept for programming errors (a folder that does not exist, a wrong type).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import secrets
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from loaders.schema import DOCUMENT_SUFFIXES

from .upload_names import (
    MAX_NAME_BYTES,
    display_name,
    sanitize_component,
    sanitize_file_name,
    slugify,
    suffix_of,
    truncate_utf8,
)
from .upload_writer import Budget, FolderWriter, LimitReached, Refused, TooBig, size_label

#: Most files one upload may add (zip members included).
MAX_FILES = 2000
#: Most bytes one upload may add, counted uncompressed.
MAX_TOTAL_BYTES = 50 * 1024 * 1024
#: Largest single file, counted uncompressed.
MAX_FILE_BYTES = 10 * 1024 * 1024
#: What the loader reads as seed documents.
ALLOWED_SUFFIXES = frozenset(DOCUMENT_SUFFIXES)
ARCHIVE_SUFFIX = ".zip"
#: Above this size a zip member must not inflate more than MAX_RATIO times:
#: text compresses maybe 10x, a bomb compresses 1000x.
RATIO_CHECK_BYTES = 1024 * 1024
MAX_RATIO = 100
#: Deepest folder nesting kept from an archive.
MAX_DEPTH = 16
CHUNK = 64 * 1024

_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass
class Upload:
    """One uploaded file, as the UI receives it: the browser's name and the bytes."""

    name: str
    data: bytes


@dataclass
class UploadResult:
    """Where the files went, which were written (relative paths), and what was refused."""

    folder: Path
    written: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


# -- folders -------------------------------------------------------------------


def new_corpus_folder(data_dir: Path, label: str, *, now: dt.datetime | None = None) -> Path:
    """Create ``data_dir/corpora/<slug>-<YYYYmmdd-HHMMSS>-<hex>`` and return it.

    A new folder per upload means an upload never mixes with, or overwrites,
    an earlier corpus; the time stamp sorts folders by age and the random
    part keeps two uploads in the same second apart. The label only ever
    contributes a slug, so it cannot steer the folder elsewhere.
    """
    corpora = Path(data_dir) / "corpora"
    corpora.mkdir(parents=True, exist_ok=True)
    root = corpora.resolve()
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    slug = slugify(label)
    for _ in range(20):
        folder = corpora / f"{slug}-{stamp}-{secrets.token_hex(2)}"
        if not folder.resolve().is_relative_to(root):
            raise ValueError(f"{folder} would not be inside {root}")  # pragma: no cover
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        return folder
    raise FileExistsError(f"could not create a new folder in {corpora}")  # pragma: no cover


# -- storing -------------------------------------------------------------------


def store_uploads(uploads: list[Upload], folder: Path) -> UploadResult:
    """Write the uploaded documents (and the documents inside uploaded zips) under ``folder``.

    ``folder`` should be fresh from :func:`new_corpus_folder`. Returns what
    was written (paths relative to ``folder``, with ``/``) and what was
    refused, with why. Stops at :data:`MAX_FILES` files or
    :data:`MAX_TOTAL_BYTES` bytes and refuses the rest.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"{folder} is not an existing folder")
    if isinstance(uploads, Upload) or not all(
        isinstance(u, Upload)
        and isinstance(u.name, str)
        and isinstance(u.data, bytes | bytearray | memoryview)
        for u in uploads
    ):
        raise ValueError("uploads must be a list of Upload with bytes data")
    result = UploadResult(folder=folder)
    # the limits are read now, so a test (or a caller) may change them
    budget = Budget(files=MAX_FILES, total_bytes=MAX_TOTAL_BYTES, file_bytes=MAX_FILE_BYTES)
    writer = FolderWriter(folder, budget, result.written)
    stopped: str | None = None
    for upload in uploads:
        shown = display_name(upload.name)
        if stopped is not None:
            result.refused.append((shown, f"not stored: {stopped}"))
            continue
        suffix = suffix_of(upload.name)
        if suffix == ARCHIVE_SUFFIX:
            stopped = _store_zip(upload, writer, result)
        elif suffix in ALLOWED_SUFFIXES:
            try:
                _store_file(upload, writer, result)
            except LimitReached as limit:
                stopped = str(limit)
                result.refused.append((shown, f"not stored: {stopped}"))
        else:
            result.refused.append((shown, _suffix_reason(suffix)))
    return result


def _suffix_reason(suffix: str) -> str:
    kinds = ", ".join(sorted(ALLOWED_SUFFIXES))
    what = f"a {suffix} file" if suffix else "a file without a suffix"
    return f"{what}: only {kinds} documents and .zip archives of them are accepted"


def _store_file(upload: Upload, writer: FolderWriter, result: UploadResult) -> None:
    shown = display_name(upload.name)
    name = sanitize_file_name(upload.name)
    if not name or suffix_of(name) not in ALLOWED_SUFFIXES:
        result.refused.append((shown, "its name has nothing usable left once made safe"))
        return
    data = bytes(upload.data)
    if len(data) > MAX_FILE_BYTES:
        result.refused.append((shown, f"larger than {size_label(MAX_FILE_BYTES)}"))
        return
    writer.check_budget(len(data))
    try:
        writer.write([], name, iter([data]), len(data))
    except Refused as refused:
        result.refused.append((shown, str(refused)))
    except OSError as error:
        result.refused.append((shown, f"could not be written ({error.strerror})"))


def _member_parts(info: zipfile.ZipInfo) -> tuple[list[str] | None, str]:
    """Safe path components of a zip member, or None and why it is refused."""
    raw = info.orig_filename if hasattr(info, "orig_filename") else info.filename
    name = info.filename
    mode = info.external_attr >> 16
    if not name.strip() or not raw.strip():
        return None, "it has an empty name"
    if "\x00" in raw:
        return None, "its name contains a NUL character"
    if stat.S_ISLNK(mode):
        return None, "it is a symbolic link"
    if info.is_dir() or name.endswith(("/", "\\")):
        return None, "it is a folder entry, not a file (the files in it are taken one by one)"
    if mode and stat.S_IFMT(mode) and not stat.S_ISREG(mode):
        return None, "it is not a regular file"
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return None, "it has an absolute path"
    parts = [p for p in re.split(r"[/\\]", name) if p not in ("", ".")]
    if not parts:
        return None, "it has an empty name"
    if any(p == ".." for p in parts):
        return None, "its path goes up a folder (..)"
    if any(p.startswith(".") for p in parts):
        return None, "it is hidden (a name starting with '.')"
    suffix = suffix_of(parts[-1])
    if suffix not in ALLOWED_SUFFIXES:
        return None, _suffix_reason(suffix)
    if len(parts) > MAX_DEPTH + 1:
        return None, f"it is nested more than {MAX_DEPTH} folders deep"
    clean = [sanitize_component(p) for p in parts[:-1]]
    clean = [truncate_utf8(p, MAX_NAME_BYTES).rstrip(". ") for p in clean]
    clean.append(sanitize_file_name(parts[-1]))
    if any(not p for p in clean) or suffix_of(clean[-1]) not in ALLOWED_SUFFIXES:
        return None, "its name has nothing usable left once made safe"
    return clean, ""


def _store_zip(upload: Upload, writer: FolderWriter, result: UploadResult) -> str | None:
    """Extract the documents of one archive; returns why storing stopped, if it did."""
    archive_name = display_name(upload.name)
    try:
        archive = zipfile.ZipFile(io.BytesIO(bytes(upload.data)))
    except Exception as error:  # any malformed archive is bad input, not a crash
        result.refused.append((archive_name, f"not a readable zip archive ({_why(error)})"))
        return None
    with archive:
        members = archive.infolist()
        for number, info in enumerate(members):
            shown = f"{archive_name}: {display_name(info.filename)}"
            try:
                _store_member(archive, info, writer, result.refused, shown)
            except LimitReached as limit:
                left = len(members) - number
                if left > 1:
                    shown = f"{shown} and the {left - 1} members after it"
                result.refused.append((shown, f"not stored: {limit}"))
                return str(limit)
    return None


def _store_member(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    writer: FolderWriter,
    refuse: list[tuple[str, str]],
    shown: str,
) -> None:
    parts, why = _member_parts(info)
    if parts is None:
        refuse.append((shown, why))
        return
    if info.flag_bits & 0x1:
        refuse.append((shown, "it is encrypted"))
        return
    declared = info.file_size
    if declared > MAX_FILE_BYTES:
        refuse.append((shown, f"larger than {size_label(MAX_FILE_BYTES)}"))
        return
    if declared > RATIO_CHECK_BYTES and declared > MAX_RATIO * max(info.compress_size, 1):
        refuse.append((shown, f"it inflates more than {MAX_RATIO} times (a zip bomb?)"))
        return
    writer.check_budget(declared)
    limit = writer.next_file_limit()
    try:
        with archive.open(info) as stream:
            writer.write(parts[:-1], parts[-1], _chunks(stream), limit)
    except TooBig:
        refuse.append((shown, writer.too_big_reason() + " once decompressed"))
    except Refused as refused:
        refuse.append((shown, str(refused)))
    except OSError as error:
        refuse.append((shown, f"could not be written ({_why(error)})"))
    except Exception as error:  # corrupt data, bad CRC, unknown compression: bad input
        refuse.append((shown, f"could not be extracted ({_why(error)})"))


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK):
        yield chunk


def _why(error: BaseException) -> str:
    text = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    return display_name(text or type(error).__name__)[:120]


__all__ = [
    "ALLOWED_SUFFIXES",
    "MAX_FILES",
    "MAX_FILE_BYTES",
    "MAX_TOTAL_BYTES",
    "Upload",
    "UploadResult",
    "new_corpus_folder",
    "size_label",
    "store_uploads",
]
