"""Turn files a user uploads into a new corpus folder, without trusting them.

Uploads come from a browser: their names may hold directories, ``..``, NUL or
control characters, and a ``.zip`` may hold absolute paths, symlinks or a
"zip bomb" that inflates to gigabytes. Nothing here trusts a name or a
declared size. Every file lands in a fresh folder created for this upload
only (:func:`new_corpus_folder`), under a sanitised name, written with
exclusive create after checking that its resolved path is inside that folder;
sizes are counted while decompressing, not taken from the archive's word.

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
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

#: Most files one upload may add (zip members included).
MAX_FILES = 2000
#: Most bytes one upload may add, counted uncompressed.
MAX_TOTAL_BYTES = 50 * 1024 * 1024
#: Largest single file, counted uncompressed.
MAX_FILE_BYTES = 10 * 1024 * 1024
#: What the loader reads as seed documents.
ALLOWED_SUFFIXES = frozenset({".md", ".markdown", ".txt"})
ARCHIVE_SUFFIX = ".zip"
#: Above this size a zip member must not inflate more than MAX_RATIO times:
#: text compresses maybe 10x, a bomb compresses 1000x.
RATIO_CHECK_BYTES = 1024 * 1024
MAX_RATIO = 100
#: Deepest folder nesting kept from an archive.
MAX_DEPTH = 16
#: Longest file or folder name written, in UTF-8 bytes (file systems allow 255).
MAX_NAME_BYTES = 150
CHUNK = 64 * 1024

_SLUG_JUNK = re.compile(r"[^a-z0-9]+")
_DRIVE = re.compile(r"^[A-Za-z]:")
_UNSAFE_CHARS = re.compile(r"[^\w\s.,()+=@&'!~-]")
_RUNS = re.compile(r"[\s_]+")
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.IGNORECASE)


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


class _LimitReached(Exception):
    """The upload as a whole is full: everything after this is refused."""


# -- names ---------------------------------------------------------------------


def slugify(label: str, default: str = "upload", max_length: int = 40) -> str:
    """Lowercase ASCII letters, digits and hyphens: safe in any path and URL."""
    ascii_text = unicodedata.normalize("NFKD", str(label)).encode("ascii", "ignore").decode()
    slug = _SLUG_JUNK.sub("-", ascii_text.lower()).strip("-")
    slug = slug[:max_length].rstrip("-")
    return slug or default


def _display(name: str) -> str:
    """A name fit to show back to the user: control characters made visible, capped."""
    shown = "".join(
        "?" if unicodedata.category(ch) in ("Cc", "Cf", "Cs") else ch for ch in str(name)
    )
    return shown if len(shown) <= 200 else shown[:199] + "…"


def _truncate_utf8(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", "ignore")


def sanitize_component(name: str) -> str:
    """One safe path component from an untrusted one, or "" if nothing is left.

    Keeps letters of any script (a French or Japanese title stays readable),
    drops control/format characters (NUL, bidi overrides that disguise a
    suffix), replaces path and shell-special characters, strips leading dots
    (no hidden files) and trailing dots/spaces (Windows drops them).
    """
    text = unicodedata.normalize("NFC", str(name))
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))
    text = text.replace("/", "_").replace("\\", "_")
    text = _UNSAFE_CHARS.sub("_", text)
    text = _RUNS.sub(lambda m: "_" if "_" in m.group() else " ", text)
    previous = None
    while text != previous:  # " . .env" needs several rounds
        previous = text
        text = text.strip(" _").lstrip(".").rstrip(". ")
    if text in ("", ".", ".."):
        return ""
    if _WINDOWS_RESERVED.match(text):
        text = "_" + text
    return text


def sanitize_file_name(name: str) -> str:
    """A safe base name keeping the suffix (lowercased), or "" if none is left."""
    base = re.split(r"[/\\]", str(name))[-1]
    clean = sanitize_component(base)
    stem, dot, suffix = clean.rpartition(".")
    if not dot or not stem:
        return _truncate_utf8(clean, MAX_NAME_BYTES)
    suffix = "." + suffix.lower()
    stem = _truncate_utf8(stem, MAX_NAME_BYTES - len(suffix.encode("utf-8"))).rstrip(". ")
    return f"{stem}{suffix}" if stem else ""


def _suffix(name: str) -> str:
    base = re.split(r"[/\\]", name)[-1]
    dot = base.rfind(".")
    return base[dot:].lower() if dot > 0 else ""


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


class _Writer:
    """Writes files under one folder, keeping the per-upload budget."""

    def __init__(self, folder: Path, result: UploadResult) -> None:
        self.folder = folder
        self.root = folder.resolve()
        self.result = result
        self.files = 0
        self.bytes = 0
        # last collision suffix tried per (folder, name): many same-named files
        # must not cost a quadratic number of open() attempts
        self._attempts: dict[tuple[Path, str], int] = {}

    def check_budget(self, size: int) -> None:
        """Raise _LimitReached if one more file of ``size`` bytes would not fit."""
        if self.files >= MAX_FILES:
            raise _LimitReached(f"the upload already has {MAX_FILES} files, the most allowed")
        if self.bytes + size > MAX_TOTAL_BYTES:
            raise _LimitReached(f"the upload would exceed {size_label(MAX_TOTAL_BYTES)} in total")

    def inside(self, path: Path) -> bool:
        return path.resolve().is_relative_to(self.root)

    def target_dir(self, parts: list[str]) -> Path | None:
        """Create (or reuse) the sanitised subfolders; None if they escape the folder."""
        current = self.folder
        for part in parts:
            current = current / part
            if current.is_symlink() or not self.inside(current):
                return None
            current.mkdir(exist_ok=True)
            if not current.is_dir() or not self.inside(current):
                return None
        return current

    def open_new(self, directory: Path, name: str) -> tuple[Path, io.BufferedWriter] | None:
        """Exclusively create ``name`` in ``directory``, or name-2, name-3, ... on collision."""
        stem, dot, suffix = name.rpartition(".")
        if not dot:
            stem, suffix = name, ""
        first = self._attempts.get((directory, name), 1)
        for attempt in range(first, first + MAX_FILES + 1):
            self._attempts[(directory, name)] = attempt
            candidate = name if attempt == 1 else f"{stem}-{attempt}{dot}{suffix}"
            path = directory / candidate
            if not self.inside(path):
                return None
            try:
                # O_EXCL also refuses to follow a symlink planted at the path
                handle = open(path, "xb")  # noqa: SIM115 - closed by the caller
            except FileExistsError:
                continue
            if not self.inside(path):  # pragma: no cover - a race with another writer
                handle.close()
                path.unlink(missing_ok=True)
                return None
            return path, handle
        return None

    def write(self, parts: list[str], name: str, chunks: Iterator[bytes], limit: int) -> str:
        """Write the chunks to a new file; returns its path relative to the folder.

        ``limit`` is the most bytes allowed; going beyond removes the partial
        file and raises ``_TooBig``. Chunks are counted as they come, so an
        archive that lies about its sizes is stopped all the same.
        """
        directory = self.target_dir(parts)
        if directory is None:
            raise _Refused("its folder would be outside the upload folder")
        opened = self.open_new(directory, name)
        if opened is None:
            raise _Refused("it would be written outside the upload folder")
        path, handle = opened
        written = 0
        try:
            with handle:
                for chunk in chunks:
                    written += len(chunk)
                    if written > limit:
                        raise _TooBig(written)
                    handle.write(chunk)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        self.files += 1
        self.bytes += written
        relative = path.relative_to(self.folder).as_posix()
        self.result.written.append(relative)
        return relative


class _Refused(Exception):
    """This one file is refused; the reason is the message."""


class _TooBig(Exception):
    """More bytes came than allowed."""


def _limit_for(writer: _Writer) -> int:
    return min(MAX_FILE_BYTES, MAX_TOTAL_BYTES - writer.bytes)


def _too_big_reason(writer: _Writer) -> str:
    if MAX_TOTAL_BYTES - writer.bytes < MAX_FILE_BYTES:
        return f"the upload would exceed {size_label(MAX_TOTAL_BYTES)} in total"
    return f"larger than {size_label(MAX_FILE_BYTES)}"


def size_label(count: int) -> str:
    """A byte count as people say it: "10 MiB", "512 bytes"."""
    megabytes = count / (1024 * 1024)
    return f"{megabytes:g} MiB" if megabytes >= 1 else f"{count} bytes"


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
    writer = _Writer(folder, result)
    stopped: str | None = None
    for upload in uploads:
        shown = _display(upload.name)
        if stopped is not None:
            result.refused.append((shown, f"not stored: {stopped}"))
            continue
        suffix = _suffix(upload.name)
        if suffix == ARCHIVE_SUFFIX:
            stopped = _store_zip(upload, writer)
        elif suffix in ALLOWED_SUFFIXES:
            try:
                _store_file(upload, writer)
            except _LimitReached as limit:
                stopped = str(limit)
                result.refused.append((shown, f"not stored: {stopped}"))
        else:
            result.refused.append((shown, _suffix_reason(suffix)))
    return result


def _suffix_reason(suffix: str) -> str:
    kinds = ", ".join(sorted(ALLOWED_SUFFIXES))
    what = f"a {suffix} file" if suffix else "a file without a suffix"
    return f"{what}: only {kinds} documents and .zip archives of them are accepted"


def _store_file(upload: Upload, writer: _Writer) -> None:
    shown = _display(upload.name)
    name = sanitize_file_name(upload.name)
    if not name or _suffix(name) not in ALLOWED_SUFFIXES:
        writer.result.refused.append((shown, "its name has nothing usable left once made safe"))
        return
    data = bytes(upload.data)
    if len(data) > MAX_FILE_BYTES:
        writer.result.refused.append((shown, f"larger than {size_label(MAX_FILE_BYTES)}"))
        return
    writer.check_budget(len(data))
    try:
        writer.write([], name, iter([data]), len(data))
    except _Refused as refused:
        writer.result.refused.append((shown, str(refused)))
    except OSError as error:
        writer.result.refused.append((shown, f"could not be written ({error.strerror})"))


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
    suffix = _suffix(parts[-1])
    if suffix not in ALLOWED_SUFFIXES:
        return None, _suffix_reason(suffix)
    if len(parts) > MAX_DEPTH + 1:
        return None, f"it is nested more than {MAX_DEPTH} folders deep"
    clean = [sanitize_component(p) for p in parts[:-1]]
    clean = [_truncate_utf8(p, MAX_NAME_BYTES).rstrip(". ") for p in clean]
    clean.append(sanitize_file_name(parts[-1]))
    if any(not p for p in clean) or _suffix(clean[-1]) not in ALLOWED_SUFFIXES:
        return None, "its name has nothing usable left once made safe"
    return clean, ""


def _store_zip(upload: Upload, writer: _Writer) -> str | None:
    """Extract the documents of one archive; returns why storing stopped, if it did."""
    archive_name = _display(upload.name)
    result = writer.result
    try:
        archive = zipfile.ZipFile(io.BytesIO(bytes(upload.data)))
    except Exception as error:  # any malformed archive is bad input, not a crash
        result.refused.append((archive_name, f"not a readable zip archive ({_why(error)})"))
        return None
    with archive:
        members = archive.infolist()
        for number, info in enumerate(members):
            shown = f"{archive_name}: {_display(info.filename)}"
            try:
                _store_member(archive, info, writer, shown)
            except _LimitReached as limit:
                left = len(members) - number
                if left > 1:
                    shown = f"{shown} and the {left - 1} members after it"
                result.refused.append((shown, f"not stored: {limit}"))
                return str(limit)
    return None


def _store_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, writer: _Writer, shown: str
) -> None:
    refuse = writer.result.refused
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
    limit = _limit_for(writer)
    try:
        with archive.open(info) as stream:
            writer.write(parts[:-1], parts[-1], _chunks(stream), limit)
    except _TooBig:
        refuse.append((shown, _too_big_reason(writer) + " once decompressed"))
    except _Refused as refused:
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
    return _display(text or type(error).__name__)[:120]


__all__ = [
    "ALLOWED_SUFFIXES",
    "MAX_FILES",
    "MAX_FILE_BYTES",
    "MAX_TOTAL_BYTES",
    "Upload",
    "UploadResult",
    "new_corpus_folder",
    "sanitize_file_name",
    "size_label",
    "slugify",
    "store_uploads",
]
