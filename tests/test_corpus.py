"""Answers stay answers: corpora of what people type, where a question waits, through the console's,
Slack's and Teams' own inbound paths (as the inbox keeps them) into the service.

- every prose sentence of Bijlage 3 and 4 is stored at once (all of them);
- ordinary sentences that begin with a word of the command table are stored at once (99% or more);
- every command mistyped is run or asked about, never stored (all of them).

Each message is handled inside a transaction that is rolled back, so every one meets the same
gesprek at its first question. The counts stand at the end of the test output.
"""

from __future__ import annotations

import pytest

from bot.core.commands import Parsed, tokenize
from bot.core.messages import from_json, to_json
from bot.core.text import clean_text
from dialogues.content import checklist

from .conftest import COUNTS, SEEDS
from .corpora import BIJLAGEN, bijlage_sentences, command_word_sentences, examples, slack_form, typos
from .inbound_paths import PATHS, gesprek_world

FIRST = checklist().questions[0].id


@pytest.fixture(scope="module", params=sorted(PATHS))
def world(request, tmp_path_factory):
    """A gesprek at its first question: Anna's in the console, or in the thread of Utrecht's
    channel on Slack and Teams."""
    with gesprek_world(tmp_path_factory.mktemp(request.param), request.param) as world:
        yield world


def typed(world, text: str) -> tuple[list, list[tuple[str, str]]]:
    """What Anna's message ``text`` gets where the question waits, and the answers it stored;
    then undone."""
    service, store, path = world
    if path.name == "console":
        inbound = path.inbound("anna", "", text)
    else:
        inbound = from_json(to_json(path.said("anna", "eigen thread",
                                              slack_form(text) if path.name == "slack" else text)))
    store.db.execute("BEGIN IMMEDIATE")
    try:
        replies = service.handle(inbound)
        stored = [tuple(row) for row in store.db.execute("SELECT question_id, text FROM answers")]
    finally:
        store.db.rollback()
    return replies, stored


def stored_at_once(world, text: str) -> bool:
    replies, stored = typed(world, text)
    saved = any(getattr(r, "text", "") == "Opgeslagen." for r in replies)
    return saved and stored == [(FIRST, clean_text(text))]


def test_the_copy_of_bijlage_3_and_4_is_the_source_documents():
    source = SEEDS / "003_979d5db9c398d6a9.txt"
    if not source.is_file():
        pytest.skip("shared/seeds is not beside this checkout")
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index("Bijlage 3\n")
    assert BIJLAGEN.read_text(encoding="utf-8") == "".join(lines[start:])


def test_every_prose_sentence_of_bijlage_3_and_4_is_stored_at_once(world):
    sentences = bijlage_sentences()
    assert len(sentences) >= 200
    held = [s for s in sentences if not stored_at_once(world, s)]
    COUNTS.append(f"{world[2].name}: {len(sentences) - len(held)} of {len(sentences)} sentences "
                  "of Bijlage 3 and 4 stored at once")
    assert held == []


def test_sentences_that_begin_with_a_command_word_are_stored_at_once(world):
    corpus = command_word_sentences()
    words = {w for w in world[0].table.first_words if w.replace("-", "").isalpha()}
    assert words <= set(corpus), words - set(corpus)  # every word of the table
    for word, sentences in corpus.items():
        assert sum(tokenize(s)[0].word == word for s in sentences) >= 3, word
    every = [s for sentences in corpus.values() for s in sentences]
    held = [s for s in every if not stored_at_once(world, s)]
    COUNTS.append(f"{world[2].name}: {len(every) - len(held)} of {len(every)} sentences that begin "
                  f"with a command word ({len(corpus)} words) stored at once")
    assert len(held) <= len(every) // 100, held


def test_every_command_mistyped_is_run_or_asked_about_never_stored(world):
    table = world[0].table
    stored, count = [], 0
    for example, words in examples(table):
        assert isinstance(table.parse(example.replace("@bram", "<@b>").replace("@piet", "<@p>")),
                          Parsed), example  # the corpus itself: each example is its command
        for typo in typos(example, words):
            count += 1
            replies, answers = typed(world, typo)
            if not replies or answers:
                stored.append((typo, answers))
    COUNTS.append(f"{world[2].name}: {count - len(stored)} of {count} mistyped commands run or "
                  "asked about, none stored")
    assert stored == []
