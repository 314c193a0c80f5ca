"""The command words: synonyms, case, arguments, and near misses."""

from __future__ import annotations

import pytest

from dialogues.commands import Cmd, misspelled, parse, part_number


@pytest.mark.parametrize(
    ("text", "name", "argument"),
    [
        ("overslaan", Cmd.SKIP, ""), ("Sla over", Cmd.SKIP, ""), ("  SKIP! ", Cmd.SKIP, ""),
        ("terug", Cmd.BACK, ""), ("vorige", Cmd.BACK, ""),
        ("pauze", Cmd.PAUSE, ""), ("Stop", Cmd.PAUSE, ""),
        ("hulp", Cmd.HELP, ""), ("?", Cmd.HELP, ""), ("/help", Cmd.HELP, ""),
        ("voortgang", Cmd.PROGRESS, ""),
        ("wijzig", Cmd.EDIT, ""), ("Wijzig 1.6", Cmd.EDIT, "1.6"),
        ("wijzigen meldcode", Cmd.EDIT, "meldcode"),
        ("deel 2", Cmd.PART, "2"), ("Deel II", Cmd.PART, "ii"), ("deel1", Cmd.PART, "1"),
        ("behouden", Cmd.KEEP, ""), ("vervangen", Cmd.REPLACE, ""), ("verder", Cmd.RESUME, ""),
    ],
)
def test_commands_and_synonyms_are_recognised(text, name, argument):
    command = parse(text)
    assert command is not None and (command.name, command.argument) == (name, argument)


@pytest.mark.parametrize("text", ["De wethouder", "Nee, nog niet", "stoppen met roken is lastig",
                                  "deel van het team", "Overslaan is geen optie hier"])
def test_ordinary_answers_are_not_commands(text):
    assert parse(text) is None


def test_near_misses_are_spotted_and_answers_are_left_alone():
    assert misspelled("overslan") is Cmd.SKIP
    assert misspelled("Voortgnag") is Cmd.PROGRESS
    assert misspelled("pauzee") is Cmd.PAUSE
    for answer in ("Ja", "nee", "Nvt", "Weet ik niet", "Beleid", "Een visie ligt er"):
        assert misspelled(answer) is None


def test_part_numbers():
    assert [part_number(a) for a in ("1", "I", "een", "2", "ii", "twee", "3", "")] == [
        1, 1, 1, 2, 2, 2, None, None]


def test_a_sentence_that_starts_with_a_command_word_stays_an_answer():
    assert parse("Aanpassen van het beleid is nodig") is None
    assert parse("wijzig de opdracht aan het lokale team zodat die klopt") is None
    assert parse("pas aan 7") == parse("wijzig 7")
