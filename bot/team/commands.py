"""The gemeente's team: handing questions to colleagues, and answering the ones handed to you."""

from __future__ import annotations

from bot.core.access import Role
from bot.core.commands import PRIVATE, Text, command
from bot.core.context import Context, Problem, names_a_gemeente
from bot.core.replies import Handed, Notice, Reply, Tell, Tone
from bot.core.text import typed
from bot.gesprek.dialogue import Gesprek
from bot.team.handing import Handing, ref_of, refs_text


class TeamCommands:
    group = "Samenwerken"

    def __init__(self, gesprek: Gesprek):
        self.gesprek = gesprek

    @command("toewijzen", args=(Handing("wat"),),
             usage="toewijzen 2.3 @iemand",
             help="vragen aan een collega geven, die ze in de eigen chat met de bot beantwoordt "
                  "(ook ‘toewijzen 2.1-2.5 @iemand’, ‘toewijzen bouwsteen 3 @iemand’; weer weg met "
                  "‘toewijzen 2.3 niemand’)")
    def assign(self, ctx: Context, wat) -> list[Reply]:
        questions, named = wat
        gemeente = ctx.gemeente
        person = ctx.person(named) if named else None
        moved: dict[str, list[str]] = {}  # by whom had them before
        for question in questions:
            changed, before = ctx.store.team.assign(gemeente["id"], question, person and person.id,
                                                    ctx.user.id, ctx.at)
            if changed:
                moved.setdefault(before or "", []).append(question)
        refs = refs_text(questions)
        which = f"vraag {refs}" if len(questions) == 1 else f"de vragen {refs}"
        if person is None:
            return [Notice(f"{which.capitalize()} van gemeente {gemeente['naam']} "
                           f"{'is' if len(questions) == 1 else 'zijn'} aan niemand meer toegewezen.",
                           Tone.SUCCESS)]
        replies: list[Reply] = [Notice(
            f"{which.capitalize()} van gemeente {gemeente['naam']} {'is' if len(questions) == 1 else 'zijn'} "
            f"nu toegewezen aan {person.naam}"
            + (". Ik stuur een bericht in de eigen chat met mij." if moved and person.id != ctx.user.id
               else "."), Tone.SUCCESS)]
        received = [q for before, qs in moved.items() for q in qs]
        if received and person.id != ctx.user.id:
            replies.append(Tell(person.id, person.naam, gemeente["id"], (Handed(
                gemeente["naam"], ctx.user.naam,
                tuple((ref_of(q), self.gesprek.questionnaire.listed(q)) for q in
                      sorted(received, key=[x.id for x in self.gesprek.questionnaire.questions].index)),
                f"mijn vragen {gemeente['naam']}"),)))
        for before, qs in moved.items():
            if before and before not in (person.id, ctx.user.id):
                replies.append(Tell(before, ctx.store.people.name(before) or "", gemeente["id"], (Notice(
                    f"{ctx.user.naam} heeft {'vraag' if len(qs) == 1 else 'de vragen'} {refs_text(qs)} "
                    f"van gemeente {gemeente['naam']} nu aan {person.naam} gegeven; je hoeft "
                    f"{'hem' if len(qs) == 1 else 'ze'} niet meer te beantwoorden."),)))
        return replies

    @command("toewijzingen", usage="toewijzingen",
             help="zien welke vragen aan wie zijn toegewezen, en welke daarvan nog open zijn")
    def assignments(self, ctx: Context) -> list[Reply]:
        gemeente = ctx.gemeente
        rows = ctx.store.team.assignments(gemeente["id"])
        if not rows:
            return [Notice(f"Bij gemeente {gemeente['naam']} zijn nog geen vragen toegewezen. Geef "
                           f"een collega vragen met {typed('toewijzen 2.3 @iemand')}.")]
        answered = set(ctx.answers)
        people: dict[str, list[str]] = {}
        for row in rows:
            people.setdefault(row["naam"], []).append(row["question_id"])
        lines = [f"Toewijzingen van gemeente {gemeente['naam']}:"]
        for naam, questions in people.items():
            open_ = [q for q in questions if q not in answered]
            done = [q for q in questions if q in answered]
            lines.append(f"• {naam}: " + "; ".join(
                part for part in (open_ and f"nog open {refs_text(open_)}",
                                  done and f"beantwoord {refs_text(done)}") if part))
        return [Notice("\n".join(lines))]

    @command("mijn vragen",
             args=(Text("gemeente", optional=True, max_words=6, check=names_a_gemeente),),
             role=Role.TOEGEWEZEN, where=PRIVATE, usage="mijn vragen",
             help="de vragen beantwoorden die een collega aan jou heeft toegewezen")
    def mine(self, ctx: Context, gemeente: str = "") -> list[Reply]:
        handed = ctx.handed(ctx.gemeente)
        if not handed:
            raise Problem(f"Er zijn bij gemeente {ctx.gemeente['naam']} geen vragen aan jou "
                          f"toegewezen. Het hele gesprek begin je met {typed('start')}.", Tone.WARNING)
        active = ctx.dialogue
        if active and active.dialogue is not self.gesprek:
            return [Notice("We waren een ontwikkelpunt aan het invullen:"),
                    *active.dialogue.current(ctx, active.conv)]
        conv, replies = self.gesprek.handed(ctx, active.conv if active else None, handed)
        self.gesprek.save(ctx, conv)
        return replies

