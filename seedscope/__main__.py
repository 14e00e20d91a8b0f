"""``python -m seedscope brief SEEDS_DIR ... --out FILE.html``: a briefing from a terminal.

Made for scheduled jobs: it builds or refreshes the cache like
``python -m loaders``, writes the briefing atomically (a reader never sees
half a file), prints one line, and exits 0; a bad argument exits 2 with a
sentence saying what is wrong, and nothing is written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from loaders import CacheError, SeedsError, default_cache_dir, load_corpus

from .explore import Explorer
from .filters import FilterState
from .grouping import concept_table
from .trends import WINDOW_QUARTERS

MAX_WINDOW_QUARTERS = 20


class Refused(Exception):
    """A bad argument: the message says which and why (exit status 2)."""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; write it as YYYY-MM-DD, e.g. 2025-01-31"
        ) from None


def _quarters(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_WINDOW_QUARTERS:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number of quarters from 1 to {MAX_WINDOW_QUARTERS}"
        )
    return int(text)


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="python -m seedscope", description=__doc__.split("\n")[0])
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")
    brief = commands.add_parser(
        "brief",
        help="write a briefing of a corpus as one self-contained HTML file",
        description="Write a briefing (rising and new concepts, emerging and weak signals, "
        "top signals, relevancy heatmap, coverage gaps, sources) as one HTML file that "
        "opens offline and prints on A4.",
    )
    brief.add_argument("seeds", metavar="SEEDS_DIR", type=Path, help="folder of seed documents")
    brief.add_argument(
        "--cache",
        metavar="DIR",
        type=Path,
        help="cache folder (default: the dashboard's, under $SEEDSCOPE_DATA)",
    )
    brief.add_argument(
        "--since",
        metavar="YYYY-MM-DD",
        type=_date,
        help="only documents dated on or after this day",
    )
    brief.add_argument(
        "--theme",
        metavar="CONCEPT",
        nargs="+",
        action="extend",
        default=[],
        help="only documents with any of these themes (concept id or label)",
    )
    brief.add_argument(
        "--window-quarters",
        metavar="N",
        type=_quarters,
        default=WINDOW_QUARTERS,
        help=f"recent window in full quarters (default {WINDOW_QUARTERS})",
    )
    brief.add_argument("--title", help="the briefing's title")
    brief.add_argument(
        "--out", metavar="FILE.html", type=Path, required=True, help="where to write the briefing"
    )
    return main


def _check_out(out: Path) -> Path:
    if out.is_dir():
        raise Refused(f"--out {out} is a folder; give a file name such as {out / 'briefing.html'}")
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise Refused(f"--out {out}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise Refused(f"--out {out}: the folder {folder} is not writable")
    return out


def resolve_themes(explorer: Explorer, wanted: Sequence[str]) -> tuple[str, ...]:
    """Concept ids for ``--theme`` values given as an id or a label (any case)."""
    table = concept_table(explorer)
    table = table[table["list"] == "Themes"]
    by_key: dict[str, str] = {}
    for concept, label, norm in zip(
        table["concept"], table["label"], table["value_norm"], strict=True
    ):
        for key in (concept, label, norm):
            by_key.setdefault(str(key).casefold().strip(), str(concept))
    found: list[str] = []
    missing: list[str] = []
    for value in wanted:
        concept = by_key.get(" ".join(value.casefold().replace("-", " ").split())) or by_key.get(
            value.casefold().strip()
        )
        if concept:
            found.append(concept)
        else:
            missing.append(value)
    if missing:
        raise Refused(
            "no document has the theme "
            + ", ".join(repr(m) for m in missing)
            + "; the dashboard's Themes filter lists the themes of this corpus"
        )
    return tuple(dict.fromkeys(found))


def _write(out: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent or ".")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def brief(args: argparse.Namespace) -> str:
    from .briefing import build_briefing  # jinja2 is only needed here

    seeds: Path = args.seeds
    if not seeds.exists():
        raise Refused(f"SEEDS_DIR {seeds} does not exist")
    if not seeds.is_dir():
        raise Refused(f"SEEDS_DIR {seeds} is not a folder")
    out = _check_out(args.out)
    started = time.perf_counter()
    cache = args.cache or default_cache_dir(seeds)
    try:
        corpus = load_corpus(seeds, cache)
    except (SeedsError, CacheError) as exc:
        raise Refused(str(exc)) from None
    explorer = Explorer(corpus)
    state = FilterState(themes=resolve_themes(explorer, args.theme), date_from=args.since)
    html = build_briefing(
        explorer,
        state,
        window_quarters=args.window_quarters,
        corpus_label=seeds.resolve().name,
        title=args.title,
    )
    _write(out, html)
    view = explorer.view(state)
    seconds = time.perf_counter() - started
    size = len(html.encode("utf-8"))
    shown = f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{max(size // 1000, 1)} kB"
    return (
        f"wrote {out} ({shown}): {len(view.documents):,} "
        f"documents, {len(view.signals):,} signals, "
        f"{state.describe(explorer.label_of(state))} — {seconds:.1f}s"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        line = brief(args)
    except Refused as exc:
        print(f"python -m seedscope brief: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(
            f"python -m seedscope brief: error: {exc.strerror or exc}"
            + (f": {exc.filename}" if exc.filename else ""),
            file=sys.stderr,
        )
        return 2
    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
