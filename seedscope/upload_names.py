"""Safe names from untrusted ones: what an upload's file and folder names become.

A browser sends any name it likes: directories, ``..``, NUL and control
characters, bidi overrides that disguise a suffix, reserved Windows names,
names longer than a file system allows. These pure functions turn such a
name into one path component that is safe to create (or into "" when
nothing usable is left), and into text fit to show back to the user.
:mod:`seedscope.uploads` uses them before it writes anything.
"""

from __future__ import annotations

import re
import unicodedata

#: Longest file or folder name written, in UTF-8 bytes (file systems allow 255).
MAX_NAME_BYTES = 150

_SLUG_JUNK = re.compile(r"[^a-z0-9]+")
_UNSAFE_CHARS = re.compile(r"[^\w\s.,()+=@&'!~-]")
_RUNS = re.compile(r"[\s_]+")
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.IGNORECASE)


def slugify(label: str, default: str = "upload", max_length: int = 40) -> str:
    """Lowercase ASCII letters, digits and hyphens: safe in any path and URL."""
    ascii_text = unicodedata.normalize("NFKD", str(label)).encode("ascii", "ignore").decode()
    slug = _SLUG_JUNK.sub("-", ascii_text.lower()).strip("-")
    slug = slug[:max_length].rstrip("-")
    return slug or default


def display_name(name: str) -> str:
    """A name fit to show back to the user: control characters made visible, capped."""
    shown = "".join(
        "?" if unicodedata.category(ch) in ("Cc", "Cf", "Cs") else ch for ch in str(name)
    )
    return shown if len(shown) <= 200 else shown[:199] + "…"


def truncate_utf8(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes, never in the middle of a character."""
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
        return truncate_utf8(clean, MAX_NAME_BYTES)
    suffix = "." + suffix.lower()
    stem = truncate_utf8(stem, MAX_NAME_BYTES - len(suffix.encode("utf-8"))).rstrip(". ")
    return f"{stem}{suffix}" if stem else ""


def suffix_of(name: str) -> str:
    """The lowercased suffix of a name's last component (".md"), "" for none or a dotfile."""
    base = re.split(r"[/\\]", name)[-1]
    dot = base.rfind(".")
    return base[dot:].lower() if dot > 0 else ""
