"""The gemeente's team: handing questions to colleagues and answering the ones handed to you,
being away with a stand-in, putting a reminder off, and handing someone's work to another."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.access import Role
from bot.core.commands import PRIVATE, Choice, Number, People, Text, command
from bot.core.context import Context, Problem, names_a_gemeente
from bot.core.dutch import DateError, format_date, format_moment
from bot.core.messages import User
from bot.core.replies import Handed, Notice, Reply, Tell, Tone
from bot.core.text import typed
from bot.gesprek.dialogue import Gesprek
from bot.ontwikkelplan.plan import Plan
from bot.team.away import Away, meanwhile, next_day
from bot.team.handing import Handing, ref_of, refs_text

LONGEST_AWAY = 2 * 366  # days
LATER = {"een week": "7", "1 week": "7", "week": "7", "twee weken": "14", "2 weken": "14"}


class TeamCommands:
    group = "Samenwerken"

    def __init__(self, gesprek: Gesprek, plan: Plan):
        self.gesprek = gesprek
        self.plan = plan

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
                           Tone.SUCCESS),
                    *(Tell(before, ctx.store.people.name(before) or "", gemeente["id"], (Notice(
                        f"{ctx.user.naam} heeft {'vraag' if len(qs) == 1 else 'de vragen'} "
                        f"{refs_text(qs)} van gemeente {gemeente['naam']} teruggenomen; je hoeft "
                        f"{'hem' if len(qs) == 1 else 'ze'} niet meer te beantwoorden."),))
                      for before, qs in moved.items() if before and before != ctx.user.id)]
        replies: list[Reply] = [Notice(
            f"{which.capitalize()} van gemeente {gemeente['naam']} {'is' if len(questions) == 1 else 'zijn'} "
            f"nu toegewezen aan {person.naam}"
            + (f"; {person.naam} krijgt van mij een bericht met de vragen." if moved
               and person.id != ctx.user.id else "."), Tone.SUCCESS)]
        changed = {q for qs in moved.values() for q in qs}
        received = [q for q in questions if q in changed]  # in the checklist's order
        if received and person.id != ctx.user.id:
            replies.append(Tell(person.id, person.naam, gemeente["id"], (Handed(
                gemeente["naam"], ctx.user.naam,
                tuple((ref_of(q), self.gesprek.questionnaire.listed(q)) for q in received),
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


    # --- away, and who stands in ------------------------------------------------------------------

    @command("afwezig", args=(Away("wanneer"),), role=Role.IEDEREEN, usage="afwezig tot 1-3-2027",
             help="zeggen tot wanneer je er niet bent; je herinneringen wachten dan, of gaan naar je "
                  "vervanger (‘afwezig tot 1-3-2027 vervanger @iemand’)")
    def away(self, ctx: Context, wanneer) -> list[Reply]:
        named, day, stand_in = wanneer
        try:
            until = next_day(day, ctx.today)
        except DateError as error:
            raise Problem(str(error), Tone.WARNING) from None
        person = self._subject(ctx, named)
        if until < ctx.today:
            example = ctx.today + timedelta(days=14)
            raise Problem(f"{format_date(until)} is al voorbij. Noem de laatste dag dat je er niet "
                          f"bent, bijvoorbeeld {example.day}-{example.month}-{example.year}.", Tone.WARNING)
        if (until - ctx.today).days > LONGEST_AWAY:
            raise Problem("Dat is meer dan twee jaar vooruit. Noem een dag binnen twee jaar; wie "
                          "de gemeente verlaat, draagt het werk over met ‘overdragen’.", Tone.WARNING)
        vervanger = ctx.person(stand_in) if stand_in else None
        if vervanger and vervanger.id == person.id:
            raise Problem("Een vervanger is iemand anders; noem een collega.", Tone.WARNING)
        gemeenten = ctx.store.team.gemeenten_involved(person.id)
        ctx.store.team.set_away(person.id, until.isoformat(), vervanger and vervanger.id,
                                ctx.user.id, ctx.at, [g["id"] for g in gemeenten])
        you = "Je bent" if person.id == ctx.user.id else f"{person.naam} is"
        said = (f"{you} afwezig tot en met {format_date(until)}. "
                + (f"Tot dan gaan de herinneringen naar {vervanger.naam}, die de ontwikkelpunten kan "
                   "bijwerken." if vervanger else "Tot dan wachten de herinneringen.")
                + f" Eerder terug? Typ {typed('aanwezig')}.")
        replies: list[Reply] = [Notice(said, Tone.SUCCESS)]
        where = gemeenten[0]["id"] if gemeenten else None
        if vervanger and vervanger.id != ctx.user.id and where:
            replies.append(Tell(vervanger.id, vervanger.naam, where, (Notice(
                f"{person.naam} is afwezig tot en met {format_date(until)} en heeft jou als vervanger. "
                f"Tot dan krijg jij de herinneringen van {person.naam}, en kun je die "
                f"ontwikkelpunten bijwerken (‘bijwerken <nummer> <stand van zaken>’)."),)))
        if person.id != ctx.user.id and where:
            replies.append(Tell(person.id, person.naam, where, (Notice(
                f"{ctx.user.naam} heeft gezet dat je afwezig bent tot en met {format_date(until)}"
                + (f", met {vervanger.naam} als vervanger." if vervanger else ".")
                + f" Klopt dat niet, typ dan {typed('aanwezig', private=True)}."),)))
        return replies

    @command("aanwezig", args=(People("wie", optional=True),), role=Role.IEDEREEN,
             usage="aanwezig",
             help="weer aan het werk: je herinneringen komen weer bij jou, en je ziet wat er "
                  "gebeurde terwijl je weg was")
    def back(self, ctx: Context, wie: tuple[str, ...] = ()) -> list[Reply]:
        person = self._subject(ctx, wie and ctx.person_named(wie[0]))
        gemeenten = ctx.store.team.gemeenten_involved(person.id)
        was = ctx.store.team.set_back(person.id, ctx.user.id, ctx.at, [g["id"] for g in gemeenten])
        if was is None:
            you = "Je was" if person.id == ctx.user.id else f"{person.naam} was"
            return [Notice(f"{you} niet afwezig; er is niets veranderd.")]
        news = Notice(meanwhile(ctx.store, person.id, was["since"], gemeenten))
        if person.id == ctx.user.id:
            return [Notice("Je bent weer aanwezig; je herinneringen komen weer bij jou.", Tone.SUCCESS),
                    news]
        replies: list[Reply] = [Notice(f"{person.naam} is weer aanwezig.", Tone.SUCCESS)]
        if gemeenten:
            replies.append(Tell(person.id, person.naam, gemeenten[0]["id"], (news,)))
        return replies

    def _subject(self, ctx: Context, named) -> User:
        """Whom ``afwezig``/``aanwezig`` is about: the one writing, or someone a beheerder of
        this gemeente names (who must belong to it)."""
        if not named:
            return ctx.user
        person = named if isinstance(named, User) else ctx.person(named)
        if person.id == ctx.user.id:
            return person
        gemeente = ctx.gemeente or ctx.find_gemeente()
        ctx.require(gemeente, Role.BEHEERDER)
        if gemeente["id"] not in {g["id"] for g in ctx.store.team.gemeenten_involved(person.id)}:
            raise Problem(f"{person.naam} doet bij gemeente {gemeente['naam']} nog niet mee: geen lid, geen "
                          "eigenaar van een ontwikkelpunt en geen toegewezen vragen. Er is niets "
                          "veranderd.", Tone.WARNING)
        return person

    # --- later, from a reminder -------------------------------------------------------------------

    @command("uitstellen", args=(Number("nummer"), Choice("hoelang", LATER, invalid=(
                 "Kies ‘een week’ of ‘twee weken’.")),
                                 Text("gemeente", optional=True, max_words=6, check=names_a_gemeente)),
             role=Role.EIGENAAR, usage="uitstellen 3 een week",
             help="de statusherinnering van #3 een week of twee weken niet meer krijgen (de "
                  "knoppen onder je herinnering doen hetzelfde); de voorbereiding van een "
                  "stuurgroep krijg je altijd")
    def later(self, ctx: Context, nummer: int, hoelang: str, gemeente: str = "") -> list[Reply]:
        punt = self.plan.find(ctx, nummer)
        if not _reminded(ctx, punt):
            raise Problem(f"De herinneringen over #{punt['nummer']} gaan naar de eigenaar"
                          + (f", {punt['wie'].lstrip('@')}" if punt["wie"] else "")
                          + ", niet naar jou; er is niets uitgesteld.", Tone.WARNING)
        until = ctx.today + timedelta(days=int(hoelang))
        ctx.store.team.snooze(punt, ctx.user.id, until.isoformat(), ctx.at)
        upcoming = [datetime.fromisoformat(m["moment"]) for m in
                    ctx.store.reminders.stuurgroepen(ctx.gemeente["id"])
                    if datetime.fromisoformat(m["moment"]) > ctx.now]
        meeting = (f" De voorbereiding van de stuurgroep van {format_moment(upcoming[0])} krijg je "
                   "wel." if upcoming else "")
        return [Notice(f"Goed: tot {format_date(until)} herinner ik je niet aan #{punt['nummer']}."
                       + meeting, Tone.SUCCESS)]

    # --- hand over ------------------------------------------------------------------------------

    @command("overdragen", args=(People("wie"),), role=Role.BEHEERDER,
             usage="overdragen @van @naar",
             help="alle ontwikkelpunten en toegewezen vragen van de een aan de ander geven, in één "
                  "keer (bijvoorbeeld als iemand vertrekt); de nieuwe eigenaar hoort wat die krijgt")
    def hand_over(self, ctx: Context, wie: tuple[str, ...]) -> list[Reply]:
        if len(wie) != 2:
            raise Problem("Noem twee mensen: van wie, en aan wie, bijvoorbeeld "
                          f"{typed('overdragen @bram @anna')}.", Tone.WARNING)
        source, target = (ctx.person_named(w) for w in wie)
        if source.id == target.id:
            raise Problem("Dat is twee keer dezelfde persoon; er is niets overgedragen.", Tone.WARNING)
        gemeente = ctx.gemeente
        punten = ctx.store.punten.of_owner(source.id, source.naam, gemeente["id"])
        for punt in punten:
            self.plan.set_field(ctx, punt, "wie", f"@{target.naam}", (target,))
        questions = ctx.store.team.assigned_to(gemeente["id"], source.id)
        for question in questions:
            ctx.store.team.assign(gemeente["id"], question, target.id, ctx.user.id, ctx.at)
        if not punten and not questions:
            return [Notice(f"{source.naam} heeft bij gemeente {gemeente['naam']} geen ontwikkelpunten "
                           "en geen toegewezen vragen; er is niets overgedragen.")]
        what = "; ".join(part for part in (
            punten and "ontwikkelpunt" + ("en " if len(punten) > 1 else " ")
            + ", ".join(f"#{p['nummer']}" for p in punten),
            questions and ("vraag " if len(questions) == 1 else "de vragen ") + refs_text(questions))
            if part)
        replies: list[Reply] = [Notice(f"Overgedragen van {source.naam} aan {target.naam}: {what}.",
                                       Tone.SUCCESS)]
        if target.id != ctx.user.id:
            replies.append(Tell(target.id, target.naam, gemeente["id"], (Notice(
                f"{ctx.user.naam} heeft het werk van {source.naam} bij gemeente {gemeente['naam']} "
                f"aan jou gegeven: {what}. Je krijgt er voortaan de herinneringen van; bekijk een "
                f"ontwikkelpunt met {typed('ontwikkelpunt <nummer>', private=True)}"
                + (f" en beantwoord de vragen met {typed('mijn vragen ' + gemeente['naam'], private=True)}"
                   if questions else "") + "."),)))
        return replies



def _reminded(ctx: Context, punt: dict) -> bool:
    """Whether this user gets the reminders of ``punt``: its owner (the store's one rule, by id or
    by a name typed as text), or their vervanger now."""
    owned = ctx.store.punten.of_owner(ctx.user.id, ctx.user.naam, punt["gemeente_id"])
    return any(p["id"] == punt["id"] for p in owned) or punt["wie_id"] in ctx.store.team.stands_in_for(
        ctx.user.id, ctx.today.isoformat())
