"""The gemeenten of the Netherlands (the CBS list in ``content/gemeenten.csv``) and how a name as
people type it finds one: apostrophes, accents, hyphens, case and common short names do not
matter ("den bosch", "SUDWEST-FRYSLAN"); a near miss is a suggestion, never a new gemeente."""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_NOT_A_LETTER = re.compile(r"[^0-9a-z]+")
_PREFIX = re.compile(r"^(de )?gemeente ")
CLOSE = 0.8  # how alike a typed name and a known one must be to ask "Bedoel je …?"


def fold(name: str) -> str:
    """A name as it is compared: no accents, apostrophes or punctuation, lower case, single
    spaces ("’s-Hertogenbosch" and "'s Hertogenbosch" are both "s hertogenbosch")."""
    letters = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    return _PREFIX.sub("", " ".join(_NOT_A_LETTER.sub(" ", letters.replace("'", "")).split()))


@dataclass(frozen=True)
class Official:
    code: str  # the CBS code, GM0344
    naam: str  # as the CBS writes it, 's-Hertogenbosch

    @property
    def key(self) -> str:
        return fold(self.naam)


@dataclass(frozen=True)
class Found:
    """What a typed name found: the gemeente, or what it might have meant (possibly nothing)."""

    gemeente: Official | None
    suggestions: tuple[Official, ...] = ()
    several: bool = False  # the name is that of several ("Bergen"), not a near miss


class Gemeenten:
    """The official gemeenten, looked up by any way of writing their name."""

    def __init__(self, rows: list[tuple[str, str, str]], source: str):
        self.source = source
        self.all = tuple(Official(code, naam) for code, naam, _ in rows)
        self._by_name: dict[str, list[Official]] = {}
        for official, (_, naam, also) in zip(self.all, rows, strict=True):
            # "Bergen" is both Bergen (L.) and Bergen (NH.): that name asks which one
            for key in dict.fromkeys(fold(n) for n in (naam, naam.split(" (")[0], *also.split("|")) if n):
                self._by_name.setdefault(key, []).append(official)

    def __len__(self) -> int:
        return len(self.all)

    def find(self, name: str) -> Found:
        """The gemeente ``name`` means, or the ones it is closest to."""
        key = fold(name)
        exact = self._by_name.get(key, [])
        if len(exact) == 1:
            return Found(exact[0])
        if exact:
            return Found(None, tuple(exact), several=True)
        longer = tuple(o for o in self.all if o.key.startswith(key + " "))  # Alphen, Krimpen
        if longer:
            return Found(None, longer, several=len(longer) > 1)
        # only names whose length allows the likeness (its upper bound), then the likeness itself
        fitting = [k for k in self._by_name if 2 * min(len(k), len(key)) >= CLOSE * (len(k) + len(key))]
        close = difflib.get_close_matches(key, fitting, n=3, cutoff=CLOSE)
        suggestions = dict.fromkeys(o for k in close for o in self._by_name[k])
        return Found(None, tuple(suggestions))

    def by_code(self, code: str) -> Official | None:
        return next((o for o in self.all if o.code == code), None)


def read(text: str, source: str = "gemeenten.csv") -> Gemeenten:
    """The list from the CSV text of ``content/gemeenten.csv`` (# lines are its notes)."""
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    rows = [(r["code"], r["naam"], r.get("ook") or "") for r in csv.DictReader(lines)]
    notes = " ".join(line.lstrip("# ") for line in text.splitlines() if line.startswith("#"))
    return Gemeenten(rows, notes or source)


@cache
def gemeenten() -> Gemeenten:
    """The official list that ships with Leidraadbot (read once)."""
    return read((Path(__file__).parent / "content" / "gemeenten.csv").read_text(encoding="utf-8"))


_GENERIC = re.compile(r"^((jeugd|veiligheids)?regio )+")


def similar(name: str, known: dict[str, str]) -> str | None:
    """Of ``known`` (folded key → name), the one ``name`` is a near miss of, if any; a leading
    "regio" says nothing ("Regio Oost" is no near miss of "Regio West")."""
    core = {_GENERIC.sub("", key): key for key in known if key != fold(name)}
    close = difflib.get_close_matches(_GENERIC.sub("", fold(name)), core, n=1, cutoff=CLOSE)
    return known[core[close[0]]] if close else None
