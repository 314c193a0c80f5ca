"""What people type, as corpora for the one rule that tells a command from an answer.

- ``bijlage_sentences``: every prose sentence of Bijlage 3 and Bijlage 4 of the Leidraad
  (``corpus/bijlagen_3_en_4.txt``, a verbatim copy of that part of the source document); the
  question lines, table rows, links and headings are left out.
- ``command_word_sentences``: ordinary answers that begin with a word of the command table
  (``corpus/command_words.yaml``), at least three per word.
- ``typos``: every command, by each of its phrases, typed with a letter dropped, two letters
  swapped, in another case, with trailing punctuation, and (on Slack) with ``&`` as ``&amp;``.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

from bot.core.commands import Table

CORPUS = Path(__file__).parent / "corpus"
BIJLAGEN = CORPUS / "bijlagen_3_en_4.txt"
_SENTENCE_END = re.compile(r"(?<=[.!])\s+(?=[^a-z\s])")  # not in "o.a. het", "bijv. de"

# What a command's usage holds in brackets, filled in as someone would type it.
_FILLED = (("[deel 1|deel 2]", "deel 2"), ("deel 1 of deel 2", "deel 2"), ("pauze of stop", "pauze"),
           ("docx|xlsx|md", "docx"), ("[commando]", "bijwerken"), ("[1.6]", "1.6"),
           ("<tekst>", "Offerte is binnen"), ("<naam>", "Regio Zuid"), ("<gemeente>", "Utrecht"),
           ("<namen>", "Wethouder Jansen"), ("@iemand", "@bram"))
AMPERSANDS = ("lid toevoegen @bram & @piet", "bijwerken 3 Offerte & planning zijn binnen",
              "algemeen aanvullingen Jeugd & Veiligheid")


@cache
def bijlage_sentences() -> tuple[str, ...]:
    """The prose sentences of Bijlage 3 and 4, once each, in the order of the document."""
    found = []
    for line in BIJLAGEN.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if "\t" in line or "[" in line:  # a table row of the plan, a link to a document
            continue
        for sentence in _SENTENCE_END.split(re.sub(r"^[-•]\s*", "", line)):
            sentence = sentence.strip()
            if len(sentence.split()) >= 4 and sentence[-1] in ".!" and "?" not in sentence:
                found.append(sentence)
    return tuple(dict.fromkeys(found))


@cache
def command_word_sentences() -> dict[str, tuple[str, ...]]:
    """Per word of the command table, ordinary answers that begin with it."""
    data = yaml.safe_load((CORPUS / "command_words.yaml").read_text(encoding="utf-8"))
    return {word: tuple(sentences) for word, sentences in data.items()}


def examples(table: Table) -> list[tuple[str, int]]:
    """Every command of ``table`` by each of its phrases, as someone would type it, with the
    number of the command's own words it begins with."""
    found = []
    for command in table.commands:
        usage = command.usage
        for placeholder, value in _FILLED:
            usage = usage.replace(placeholder, value)
        arguments = usage.split()[len(command.words[0]):]
        found += [(" ".join([*phrase, *arguments]), len(phrase)) for phrase in command.words
                  if phrase != ("?",)]
    return found + [(text, 2 if text.startswith("lid") else 1) for text in AMPERSANDS]


def typos(example: str, words: int) -> list[str]:
    """``example`` mistyped: in each of its first ``words`` words (the command's own) a letter
    dropped and two letters swapped; those words in another case; punctuation after it."""
    parts = example.split(" ")
    rest = parts[words:]
    found = [" ".join([*(p.upper() for p in parts[:words]), *rest]),
             " ".join([parts[0].capitalize(), *parts[1:]]), example + "!", example + ".", example + "?"]
    for n in range(words):
        word = parts[n]
        if len(word) < 4 or not word.replace("-", "").isalpha():  # "lid", "sla": too short to tell
            continue
        middle = len(word) // 2
        dropped = word[:middle] + word[middle + 1:]
        swapped = word[:middle - 1] + word[middle] + word[middle - 1] + word[middle + 1:]
        found += [" ".join([*parts[:n], typo, *parts[n + 1:]]) for typo in (dropped, swapped)
                  if typo != word]
    return found


def slack_form(text: str) -> str:
    """A text as Slack sends what was typed: ``&``, ``<`` and ``>`` as entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
