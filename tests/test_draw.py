"""Draw cards: the same seed and filters give the same cards, whatever the row order."""

from __future__ import annotations

import pytest

from loaders import Corpus
from seedscope.draw import MAX_CARDS, draw_cards, new_seed, parse_seed
from seedscope.explore import Explorer
from seedscope.filters import FilterState
from tests.factories import doc, entry, make_corpus, tags


def corpus() -> Corpus:
    documents = [doc(f"d{i}", f"Document {i}", f"2024-0{1 + i % 9}-01") for i in range(8)]
    entries = [
        entry(f"d{i}", "Signals", p, 1 + (i + p) % 5, f"signal {i}.{p}")
        for i in range(8)
        for p in range(4)
    ]
    entries.append(entry("d0", "Concerns", 0, 5, "not a signal"))
    tag_rows = [t for i in range(8) for t in tags(f"d{i}", "Themes", ["even" if i % 2 else "odd"])]
    return make_corpus(documents, entries, tag_rows)


def names(cards) -> list[str]:
    return cards["name"].tolist()


def test_the_same_seed_draws_the_same_cards_even_from_reordered_rows() -> None:
    base = corpus()
    explorer = Explorer(base)
    first = draw_cards(explorer, explorer.view(FilterState()), 5, 1234)
    assert len(first) == 5 and first["name"].is_unique
    assert all(name.startswith("signal") for name in names(first))
    # another process, rows in another order: the same cards in the same order
    shuffled = Corpus(
        base.documents.sample(frac=1, random_state=3),
        base.entries.sample(frac=1, random_state=4),
        base.tags.sample(frac=1, random_state=5),
        base.problems,
    )
    other = Explorer(shuffled)
    assert names(draw_cards(other, other.view(FilterState()), 5, 1234)) == names(first)


def test_another_seed_draws_other_cards() -> None:
    explorer = Explorer(corpus())
    view = explorer.view(FilterState())
    hands = {tuple(names(draw_cards(explorer, view, 5, seed))) for seed in range(1, 11)}
    assert len(hands) == 10


def test_cards_obey_the_filters_and_the_count() -> None:
    explorer = Explorer(corpus())
    view = explorer.view(FilterState(themes=("odd",), min_relevancy=4))
    cards = draw_cards(explorer, view, MAX_CARDS, 99)
    expected = set(view.signals["name"].astype(str))
    assert set(names(cards)) == expected  # fewer signals than asked for: all of them
    assert len(cards) == len(expected) < MAX_CARDS
    assert (cards["relevancy"] >= 4).all()
    assert set(cards["doc_id"]) <= {"d0", "d2", "d4", "d6"}
    assert draw_cards(explorer, view, 0, 99).empty
    assert len(draw_cards(explorer, explorer.view(FilterState()), 100, 1)) == MAX_CARDS


def test_cards_carry_what_a_card_shows_and_where_it_comes_from() -> None:
    explorer = Explorer(corpus())
    card = draw_cards(explorer, explorer.view(FilterState()), 1, 7).iloc[0]
    doc_id, position = card["doc_id"], int(card["position"])
    source = explorer.doc_entries(doc_id)
    match = source[(source["section"] == "Signals") & (source["position"] == position)]
    assert match["name"].iloc[0] == card["name"]
    assert card["title"] == f"Document {doc_id[1:]}"


@pytest.mark.parametrize(
    ("text", "seed"),
    [
        ("42", 42),
        (" 123456789 ", 123456789),
        ("0", None),
        ("1234567890", None),
        ("-5", None),
        ("4e3", None),
        ("١٢", None),
        ("", None),
        (None, None),
        (17, 17),
    ],
)
def test_seeds_from_a_url_are_short_positive_numbers(text, seed) -> None:
    assert parse_seed(text) == seed


def test_new_seeds_are_valid_and_vary() -> None:
    seeds = {new_seed() for _ in range(20)}
    assert len(seeds) > 15
    assert all(parse_seed(str(seed)) == seed for seed in seeds)
