"""The gesprek's commands: start, pause, skip, back, keep or replace, revisit, Deel, progress.

The words that steer a dialogue (overslaan, terug, behouden, vervangen, pauze) act on whichever
dialogue goes on in the place: the gesprek, or an ontwikkelpunt whose fields are being asked.
"""

from __future__ import annotations

from bot.core.access import Role
from bot.core.commands import Deel, DoesNotFit, Text, command
from bot.core.context import Context, Problem, names_a_gemeente
from bot.core.conversation import ACTIVE, Active
from bot.core.messages import PlaceKind, Start
from bot.core.replies import Notice, Reply, StartThread
from bot.core.text import typed, whole_number
from bot.gesprek.dialogue import Gesprek, names_questions
from bot.team.handing import open_line


def _question_and_version(argument: str) -> None:
    """``1.6 2``: a question and the number of a version of its answer."""
    question, _, version = argument.rpartition(" ")
    if not question or whole_number(version, 4) is None:
        raise DoesNotFit("Noem de vraag en het nummer van de versie, bijvoorbeeld ‘terugzetten 1.6 2’.")
    names_questions(question)


class GesprekCommands:
    group = "Het gesprek (Checklist sturing)"

    def __init__(self, gesprek: Gesprek):
        self.gesprek = gesprek

    @command("start", "verder", "hervat", "hervatten",
             args=(Deel("deel", optional=True),
                   Text("gemeente", optional=True, max_words=6, check=names_a_gemeente)),
             role=Role.TOEGEWEZEN, usage="start [deel 1|deel 2]",
             help="het gesprek beginnen, of verdergaan waar je was (in je eigen chat met de bot ook "
                  "‘start <gemeente>’ als je bij meer gemeenten hoort)")
    def start(self, ctx: Context, deel: int | None = None, gemeente: str = "",
              first_open: bool = False) -> list[Reply]:
        place = ctx.place
        if deel is not None and self.gesprek.questionnaire.part(deel) is None:
            raise DoesNotFit("Er zijn twee delen: typ ‘deel 1’ of ‘deel 2’.")
        if place.kind is PlaceKind.CHANNEL:
            return [StartThread(ctx.gemeente["naam"], deel, self.gesprek.channel_thread(ctx))]
        active = ctx.dialogue
        if active and active.dialogue is not self.gesprek:
            return [Notice("We waren een ontwikkelpunt aan het invullen:"),
                    *active.dialogue.current(ctx, active.conv)]
        if ctx.only_handed(ctx.gemeente):  # a colleague handed questions: those alone
            conv, replies = self.gesprek.handed(ctx, active.conv if active else None,
                                                ctx.handed(ctx.gemeente))
            self.gesprek.save(ctx, conv)
            return replies
        conv, replies = self.gesprek.start(ctx, active.conv if active else None, place.id,
                                           Start(deel, first_open))
        self.gesprek.save(ctx, conv)
        return replies

    @command("pauze", "pauzeer", "pauzeren", "stop", "exit", "quit", "afsluiten",
             role=Role.TOEGEWEZEN, usage="pauze of stop",
             help="stoppen; later ga je verder waar je was")
    def pause(self, ctx: Context) -> list[Reply]:
        return self._steer(ctx, "pause", "Er loopt hier geen gesprek om te pauzeren.")

    @command("overslaan", "sla over", "skip", role=Role.TOEGEWEZEN, usage="overslaan",
             help="deze vraag overslaan; je kunt er later op terugkomen")
    def skip(self, ctx: Context) -> list[Reply]:
        return self._steer(ctx, "skip")

    @command("terug", "vorige", "vorige vraag", role=Role.TOEGEWEZEN, usage="terug",
             help="teruggaan naar de vorige vraag")
    def back(self, ctx: Context) -> list[Reply]:
        return self._steer(ctx, "back")

    @command("behouden", "behoud", role=Role.TOEGEWEZEN, usage="behouden",
             help="het eerdere antwoord van de gemeente houden en verdergaan")
    def keep(self, ctx: Context) -> list[Reply]:
        return self._steer(ctx, "keep")

    @command("vervangen", "vervang", role=Role.TOEGEWEZEN, usage="vervangen",
             help="het eerdere antwoord vervangen door wat je nu typt")
    def replace(self, ctx: Context) -> list[Reply]:
        return self._steer(ctx, "replace")

    @command("wijzig", "wijzigen", args=(Text("vraag", optional=True, max_words=4,
                                              check=names_questions),),
             usage="wijzig [1.6]",
             help="vraag 6 van Deel I opnieuw bekijken of aanpassen (ook op woorden: ‘wijzig "
                  "meldcode’); zonder nummer zie je de lijst met vragen")
    def edit(self, ctx: Context, vraag: str = "") -> list[Reply]:
        active = self._gesprek(ctx, f"wijzig {vraag}".strip())
        replies = self.gesprek.edit(ctx, active.conv, vraag)
        active.conv.status = ACTIVE
        active.save(ctx)
        return replies

    @command("doorloop alles", "alles doorlopen", usage="doorloop alles",
             help="alle vragen langslopen, ook de vragen die collega's al beantwoordden")
    def all_questions(self, ctx: Context) -> list[Reply]:
        return self._choose(ctx, False)

    @command("doorloop open", "open doorlopen", usage="doorloop open",
             help="alleen de vragen die nog open zijn")
    def open_questions(self, ctx: Context) -> list[Reply]:
        return self._choose(ctx, True)

    def _choose(self, ctx: Context, open_only: bool) -> list[Reply]:
        active = self._gesprek(ctx, "doorloop open" if open_only else "doorloop alles")
        replies = self.gesprek.choose_questions(ctx, active.conv, open_only)
        active.save(ctx)
        return replies

    @command("deel", args=(Deel("deel"),), usage="deel 1 of deel 2",
             help="naar het begin van Deel I of Deel II gaan")
    def part(self, ctx: Context, deel: int) -> list[Reply]:
        if ctx.dialogue is None or ctx.place.kind is PlaceKind.CHANNEL:
            return self.start(ctx, deel)
        active = self._gesprek(ctx, f"deel {deel}")
        replies = self.gesprek.go_to_part(ctx, active.conv, deel)
        active.save(ctx)
        return replies

    @command("voortgang", "waar ben ik", usage="voortgang",
             help="per onderdeel zien wat de gemeente beantwoordde, oversloeg en nog open heeft")
    def progress(self, ctx: Context) -> list[Reply]:
        active = ctx.dialogue
        conv = active.conv if active and active.dialogue is self.gesprek else None
        handed = open_line(ctx.store.team.assignments(ctx.gemeente["id"]), ctx.answers)
        return [*self.gesprek.progress(ctx, conv), *([Notice(handed)] if handed else [])]

    @command("geschiedenis", "versies", args=(Text("vraag", max_words=4, check=names_questions),),
             usage="geschiedenis 1.6",
             help="alle versies zien van het antwoord van de gemeente op vraag 6 van Deel I, met "
                  "wie en wanneer (ook: ‘versies 1.6’)")
    def versions(self, ctx: Context, vraag: str) -> list[Reply]:
        active = ctx.dialogue
        return self.gesprek.versions(ctx, active.conv if active else None, vraag)

    @command("terugzetten", args=(Text("vraag", max_words=2, check=_question_and_version),),
             usage="terugzetten 1.6 2",
             help="versie 2 van het antwoord op vraag 1.6 weer het antwoord maken (de nummers "
                  "staan bij ‘geschiedenis 1.6’)")
    def restore(self, ctx: Context, vraag: str) -> list[Reply]:
        active = ctx.dialogue
        question, _, version = vraag.rpartition(" ")
        return self.gesprek.restore(ctx, active.conv if active else None, question, int(version))

    # --- steering whichever dialogue goes on here -------------------------------------------------

    def _steer(self, ctx: Context, action: str, nothing: str = "") -> list[Reply]:
        active = ctx.dialogue
        if active is None:
            raise Problem(nothing or f"Er loopt hier geen gesprek. Typ {typed('start')} om te beginnen.")
        replies = getattr(active.dialogue, action)(ctx, active.conv)
        if action != "pause":
            active.conv.status = ACTIVE
        active.save(ctx)
        return replies

    def _gesprek(self, ctx: Context, asked: str) -> Active:
        """The gesprek going on here (for the command ``asked``); not while an ontwikkelpunt's
        fields are being asked."""
        active = ctx.dialogue
        if active is None:
            raise Problem(f"Er loopt hier geen gesprek. Typ {typed('start')} om te beginnen.")
        if active.dialogue is not self.gesprek:
            raise DoesNotFit(f"We zijn een ontwikkelpunt aan het invullen. Maak dat eerst af, of typ "
                        f"‘stop’ om het te onderbreken; daarna kan ‘{asked}’.")
        return active
