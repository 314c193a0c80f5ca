"""Forgetting someone who left (AVG, ``leidraadbot vergeet``): their name and platform ids are
replaced everywhere by a stable pseudonym ("Oud-medewerker 3"); every answer, version, stand van
zaken and change stays, so the gemeente's history is whole."""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.core.context import Problem
from bot.ontwikkelplan.plan import OPEN_STATUSES
from store import Store

FORGOTTEN = "vergeten:"  # the id of a pseudonym
PSEUDONYM = "Oud-medewerker {}"


@dataclass(frozen=True)
class Leaving:
    """Someone to forget, what they leave behind, and the pseudonym they get."""

    id: str
    naam: str
    pseudonym_id: str
    pseudonym: str
    open_punten: tuple[tuple[str, int], ...]  # (gemeente, nummer) they still own
    answers: int
    others: tuple[str, ...]  # longer names of other people that hold this name: left alone

    def summary(self) -> str:
        return (f"‘{self.naam}’ ({self.id}) wordt overal ‘{self.pseudonym}’: in {self.answers} "
                "antwoorden en hun versies, de ontwikkelpunten, het logboek, de herinneringen en de "
                "exports. Alles blijft bewaard; de naam en de id's verdwijnen uit de database.")


def person_in(store: Store, named: str) -> dict:
    """The person ``named`` means: by their platform id, or by the name that stands with their
    answers; ``Problem`` when there is none, or more than one."""
    found = store.row("SELECT id, naam FROM users WHERE id = ?", [named.strip()])
    if found is None:
        same = store.rows("SELECT id, naam FROM users WHERE naam = ? COLLATE NOCASE", [named.strip()])
        if len(same) > 1:
            raise Problem(f"Er zijn {len(same)} mensen die ‘{named}’ heten ("
                          + ", ".join(p["id"] for p in same) + "). Noem er één met het gebruikers-id.")
        found = same[0] if same else None
    if found is None:
        raise Problem(f"Er is niemand ‘{named}’ in de database. Noem de persoon met de naam die bij "
                      "de antwoorden staat, of met het gebruikers-id (zoals slack:T123:U456).")
    if found["id"].startswith(FORGOTTEN):
        raise Problem(f"‘{found['naam']}’ is al vergeten.")
    return found


def leaving(store: Store, named: str) -> Leaving:
    """What forgetting ``named`` would do (nothing is changed)."""
    person = person_in(store, named)
    number = store.value("SELECT count(*) FROM users WHERE id LIKE ?", [FORGOTTEN + "%"]) + 1
    names = {g["id"]: g["naam"] for g in store.gemeenten.all()}
    owned = [(names[p["gemeente_id"]], p["nummer"])
             for p in store.punten.of_owner(person["id"], person["naam"])
             if not p["concept"] and p["status"] in OPEN_STATUSES]
    answers = store.value("SELECT count(*) FROM answers WHERE author_id = ?", [person["id"]])
    others = tuple(sorted((r[0] for r in store.db.execute(
        "SELECT DISTINCT naam FROM users WHERE id != ? AND instr(naam, ?) > 0 AND naam != ?",
        [person["id"], person["naam"], person["naam"]])), key=len, reverse=True))
    return Leaving(person["id"], person["naam"], f"{FORGOTTEN}{number}", PSEUDONYM.format(number),
                   tuple(owned), answers, others)


def may_forget(gone: Leaving, heir: dict | None) -> None:
    """``Problem`` while ``gone`` owns open ontwikkelpunten that nobody is named to take."""
    if gone.open_punten and heir is None:
        raise Problem(f"{gone.naam} is nog eigenaar van open ontwikkelpunten ("
                      + ", ".join(f"{g} #{n}" for g, n in gone.open_punten) + "). Geef ze eerst aan "
                      "een ander: met --overdragen-aan <persoon>, of een beheerder typt in de chat "
                      "‘overdragen @van @naar’. Er is niets veranderd.")
    if heir is not None and heir["id"] == gone.id:
        raise Problem("Wie de ontwikkelpunten krijgt, is iemand anders dan wie vertrekt. Er is "
                      "niets veranderd.")


def forget(store: Store, gone: Leaving, heir: dict | None, at: str) -> None:
    """Forget ``gone``: their open ontwikkelpunten and handed questions to ``heir`` first (else
    ``Problem`` while they own open ones), then their name and ids replaced by the pseudonym
    in both databases, which are then rewritten without the old pages."""
    may_forget(gone, heir)
    with store.transaction():
        for gemeente in store.team.gemeenten_involved(gone.id):
            store.audit.changed(gemeente["id"], "vergeten", gone.pseudonym_id, None, None, "operator", at)
        if heir is not None:
            _hand_over(store, gone, heir, at)
        store.db.execute("DELETE FROM addresses WHERE key = ?", [gone.id])  # how to reach them
        store.replace_everywhere(_replacements(gone), gone.others)
    with store.inbox.transaction():
        store.inbox.replace_everywhere(_replacements(gone), gone.others)
    store.compact()
    store.inbox.compact()


def _hand_over(store: Store, gone: Leaving, heir: dict, at: str) -> None:
    store.people.ensure("operator", "de beheerder van de bot", at)  # the author of the change
    for punt in store.punten.of_owner(gone.id, gone.naam):
        store.punten.set(punt["id"], {"wie": heir["naam"], "wie_id": heir["id"]}, at)
        store.punten.log(punt["id"], "veld", heir["naam"], "operator", at, field="wie",
                         previous=punt["wie"])
    for row in store.rows("SELECT gemeente_id, question_id FROM assignments WHERE user_id = ?", [gone.id]):
        store.team.assign(row["gemeente_id"], row["question_id"], heir["id"], "operator", at)


def _replacements(gone: Leaving) -> list[tuple[str, str]]:
    """What to replace, the longest first: the id, the platform's own id (the last part of
    ``slack:T1:U2``), and the name, also as JSON writes it."""
    found = [(gone.id, gone.pseudonym_id)]
    platform, _, own = gone.id.rpartition(":")
    if platform.split(":")[0] in ("slack", "teams") and own:
        found.append((own, gone.pseudonym_id))
    for naam in dict.fromkeys((gone.naam, json.dumps(gone.naam)[1:-1])):
        found.append((naam, gone.pseudonym))
    return found
