"""Plain text: the console, and the fallback text of every chat message."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from functools import singledispatch

from bot.core.dutch import AMSTERDAM, format_date, format_moment
from bot.core.replies import (
    Abbreviations,
    AnswerVersions,
    CommandUsage,
    DashboardLink,
    ExportFile,
    Guide,
    Handed,
    Help,
    Notice,
    OpenForm,
    Paused,
    PreviousAnswer,
    ProgressReport,
    PuntDetail,
    PuntList,
    PuntSummary,
    QuestionDone,
    QuestionList,
    QuestionPrompt,
    Recap,
    Regiobeeld,
    Reminder,
    Reply,
    Setting,
    Summary,
    Tell,
    Tone,
    Welcome,
)
from bot.core.text import CHANNEL, one_line, show_typed, typed

WIDTH = 88
_width: ContextVar[int | None] = ContextVar("width", default=WIDTH)  # set by render_one
OWN_WORDS = "Antwoord in je eigen woorden; kort mag. Weet je het (nog) niet, typ dan ‘overslaan’."
_MARKS = {Tone.INFO: "", Tone.SUCCESS: "✓ ", Tone.WARNING: "! ", Tone.ERROR: "✗ "}


def fill(text: str, initial: str = "", subsequent: str = "") -> str:
    """One paragraph wrapped on its spaces at the width ``render_one`` was given, the first line
    after ``initial``, the others after ``subsequent`` (as ``textwrap.fill``, which takes many times
    as long; a word longer than a line stays whole, so a link still works)."""
    width = _width.get()
    if width is None or len(initial) + len(text) <= width:
        return initial + text if text.strip() else ""
    first, *words = text.split(" ")
    lines, line, fresh = [], initial + first, False  # fresh: nothing yet after the indent
    for word in words:
        if fresh:
            if word:
                line, fresh = line + word, False
        elif len(line) + 1 + len(word) > width:
            lines.append(line)
            line, fresh = subsequent + word, not word
        else:
            line += " " + word
    lines.append(line)
    return "\n".join(lines)


def _wrap(text: str, indent: str = "") -> str:
    """Wrap each paragraph of ``text``; lines the user typed keep their breaks."""
    return "\n".join(fill(line, indent, indent) or indent for line in text.splitlines())


def render(replies: list[Reply]) -> str:
    """All replies of one turn, separated by blank lines."""
    return "\n\n".join(render_one(reply) for reply in replies)


def progress_line(prompt: QuestionPrompt) -> str:
    return f"{prompt.part} › {prompt.section} · vraag {prompt.number} van {prompt.total}"


def quoted_command(command: str, where: str = "") -> str:
    """A command to type, as the console (and every platform, inside its own gesprek) takes it;
    one for the team's channel as the chat platforms take it there."""
    if where == CHANNEL:
        return f"‘/leidraad {command}’ in het kanaal in Slack, of ‘@Leidraadbot {command}’ in Teams"
    return f"‘{command}’"


def render_one(reply: Reply, shown: Callable[[str, str], str] = quoted_command,
               width: int | None = WIDTH) -> str:
    """One reply as text, with the commands it names to type as ``shown`` writes them, wrapped
    at ``width`` (a terminal's); None leaves the wrapping to a chat platform."""
    token = _width.set(width)
    try:
        return show_typed(_text(reply), shown)
    finally:
        _width.reset(token)


@singledispatch
def _text(reply: Reply) -> str:
    raise TypeError(f"no text rendering for {type(reply).__name__}")


@_text.register
def _(reply: Notice) -> str:
    return _wrap(_MARKS[reply.tone] + reply.text)


@_text.register
def _(reply: QuestionDone) -> str:  # a platform changes the question's message; said, it is this
    return _wrap(reply.outcome)


@_text.register
def _(reply: Abbreviations) -> str:
    return _wrap(abbreviations_line(reply))


def abbreviations_line(reply: Abbreviations) -> str:
    return ("Afkortingen hierin: " + "; ".join(f"{term} = {meaning}" for term, meaning in reply.terms)
            + f". Alle afkortingen: {typed('begrippen')}.")


@_text.register
def _(reply: Welcome) -> str:
    return "\n\n".join([
        f"Welkom bij Leidraadbot voor gemeente {reply.gemeente}.",
        _wrap(f"We lopen samen de {reply.title} door: {reply.total} vragen in Deel I en Deel II. "
              + reply.intro),
        _wrap("Typ bij elke vraag je antwoord. De antwoorden zijn van de hele gemeente: collega's "
              "zien ze ook en kunnen ze aanvullen. Typ ‘hulp’ voor uitleg bij de vraag, ‘hulp "
              "alles’ voor alle commando's, ‘overslaan’ om een vraag over te slaan en ‘pauze’ om "
              "later verder te gaan."),
    ])


def _question_body(prompt: QuestionPrompt) -> list[str]:
    parts = [progress_line(prompt)]
    if prompt.intro:
        parts.append(_wrap(prompt.intro))
    if prompt.lead:
        parts.append(_wrap(prompt.lead))
    question = _wrap(("» " if prompt.lead else "") + prompt.text)
    if prompt.hints:
        question += "\nDenk aan:\n" + "\n".join(
            fill(hint, "  • ", "    ")
            for hint in prompt.hints
        )
    parts.append(question)
    return parts


def previous_lines(previous: PreviousAnswer) -> tuple[str, str]:
    """What a question says above the earlier answer it shows, and who gave it when."""
    if previous.own:
        return "Je hebt deze vraag al beantwoord:", f"op {format_moment(previous.at)}"
    if previous.author:
        return ("Er is al een antwoord van de gemeente:",
                f"door {previous.author} op {format_moment(previous.at)}")
    return "Al ingevuld:", f"laatst gewijzigd op {format_moment(previous.at)}"


@_text.register
def _(reply: QuestionPrompt) -> str:
    parts = _question_body(reply)
    if reply.revisit:
        parts[0] += " (opnieuw bekijken)"
    if reply.previous:
        heading, byline = previous_lines(reply.previous)
        parts.append(
            f"{heading[:-1]}, {byline}:\n{_wrap(reply.previous.text, '  │ ')}\n"
            "Typ ‘behouden’ om het te houden, of typ een nieuw antwoord om het te vervangen."
        )
    return "\n\n".join(parts)


def command_lines(lines, indent: str = "  ") -> str:
    """Usage and help side by side, the help wrapped under itself."""
    width = min(max(len(usage) for usage, _ in lines), 36)
    return "\n".join(
        fill(explanation, f"{indent}{usage.ljust(width)}  ", " " * (len(indent) + width + 2))
        for usage, explanation in lines)


@_text.register
def _(reply: Help) -> str:
    parts = [f"‘{quoted(reply.unknown)}’ ken ik niet. Dit kun je hier vragen:" if reply.unknown else "Hulp"]
    if reply.prompt:
        parts += ["Je bent bij deze vraag:", *_question_body(reply.prompt)]
        parts += [_wrap(f"{label}: {text}") for label, text in guide_lines(reply)]
    if reply.folded:
        return "\n\n".join([*parts, _wrap(ALL_COMMANDS)])
    if not reply.unknown:
        parts.append("Wat je hier kunt typen:")
    parts += [f"{title}\n{command_lines(lines)}" for title, lines in reply.groups]
    return "\n\n".join(parts)


ALL_COMMANDS = f"Typ {typed('hulp alles')} voor alles wat je hier kunt typen."
# The buttons under a question: (label, what it sends); help at a question has all but Hulp.
QUESTION_BUTTONS = (("Overslaan", "overslaan"), ("Terug", "terug"), ("Pauzeren", "pauze"), ("Hulp", "hulp"))


def guide_lines(reply: Help) -> list[tuple[str, str]]:
    """(label, text) of what helps with the question of a help reply, the same on every surface."""
    guide = reply.guide or Guide()
    lines = [("Waar je antwoord voor is", guide.gebruik)] if guide.gebruik else []
    if guide.toelichting:
        lines.append(("Toelichting uit de Handreiking (Bijlage 4)", guide.toelichting))
    if guide.begrippen:
        lines.append(("Begrippen", "; ".join(f"{term} = {uitleg}" for term, uitleg in guide.begrippen) + "."))
    return [*lines, ("Tip", OWN_WORDS)]


quoted = one_line  # a user's text in a sentence


WHILE_IT_WAITS = "dat kan zolang we bij deze vraag zijn"


def usage_sentences(reply: CommandUsage, buttons: bool = False) -> tuple[str, str]:
    """What the bot says about text that looks like a command, the same on every surface: what
    the commands are (their list goes in between when there are several), then one question, so
    ‘ja’ and ‘nee’ are never ambiguous. With ``buttons`` the question is answered with the two
    of ``held_choices``, whose words it uses; else the person types them."""
    held = f"“{quoted(reply.held)}”"
    if reply.guess:
        if not reply.held:
            return f"Bedoel je ‘{reply.guess}’?", f"Typ dan {typed(reply.guess)}."
        question = (f"Kies hieronder. Met ‘Nee’ bewaar ik {held} als antwoord bij {reply.held_ref}; "
                    f"{WHILE_IT_WAITS}." if buttons else
                    f"Typ ‘ja’ om dat te doen, of ‘nee’ om {held} op te slaan als antwoord bij "
                    f"{reply.held_ref}; {WHILE_IT_WAITS}.")
        return f"Bedoel je ‘{reply.guess}’?", question
    lead = [reply.reason] if reply.reason else []
    usage, explanation = reply.usages[0]
    if len(reply.usages) > 1:
        lead.append("Het lijkt op deze commando's:" if reply.held else "Bedoel je een van deze?")
    elif reply.held:
        lead.append(f"‘{usage}’ is een commando: {explanation}.")
    else:
        lead.append(f"Bedoel je ‘{usage}’? Daarmee kun je {explanation}.")
    question = "" if not reply.held else (
        f"Er is niets opgeslagen. Was {held} je antwoord bij {reply.held_ref}? "
        + (f"Kies hieronder; {WHILE_IT_WAITS}." if buttons else
           f"Typ dan ‘ja’ of ‘opslaan’; {WHILE_IT_WAITS}."))
    return " ".join(lead), question


def held_choices(reply: CommandUsage) -> tuple[tuple[str, str], tuple[str, str]]:
    """The two buttons (label, what it sends) under a held text: run the command it looks like,
    or store it as the answer; their words are those of ``usage_sentences``."""
    if reply.guess:
        return (f"Ja, {one_line(reply.guess, 50)}", "ja"), ("Nee, opslaan als antwoord", "opslaan")
    return ("Ja, opslaan als antwoord", "opslaan"), ("Nee, niet opslaan", "nee")


@_text.register
def _(reply: CommandUsage) -> str:
    lead, question = usage_sentences(reply)
    parts = [_wrap("! " + lead)]
    if len(reply.usages) > 1 and not reply.guess:
        parts.append(command_lines(reply.usages))
    if question:
        parts.append(_wrap(question))
    return "\n".join(parts)


def versions(count: int) -> str:
    return "1 versie" if count == 1 else f"{count} versies"


@_text.register
def _(reply: AnswerVersions) -> str:
    head = _wrap(f"Vraag {reply.ref}: {reply.question}")
    if not reply.versions:
        return head + "\n\nDeze vraag is nog niet beantwoord."
    lines = [f"  versie {n} · {format_moment(v.at)} · {v.author}\n{_wrap(v.text, '  │ ')}"
             for n, v in enumerate(reply.versions, 1)]
    return f"{head}\n\n{versions_lead(reply)}:\n" + "\n".join(lines) + (
        "\n\n" + _wrap(restore_hint(reply)) if len(reply.versions) > 1 else "")


def versions_lead(reply: AnswerVersions) -> str:
    """What a list of versions says first."""
    if len(reply.versions) == 1:
        return "1 versie, het huidige antwoord"
    return f"{versions(len(reply.versions))}, de oudste eerst; de laatste is het huidige antwoord"


def restore_hint(reply: AnswerVersions) -> str:
    """How to make an earlier version the answer again (the commands marked for the renderer)."""
    if len(reply.versions) < 2:
        return ""
    return (f"Een eerdere versie weer het antwoord maken: typ {typed(f'terugzetten {reply.ref} <versie>')}, "
            f"bijvoorbeeld {typed(f'terugzetten {reply.ref} {len(reply.versions) - 1}')}.")


@_text.register
def _(reply: ProgressReport) -> str:
    lines = ["Voortgang"]
    part = None
    for section in reply.sections:
        if section.part != part:
            part = section.part
            lines.append(f"{part}")
        lines.append(f"  {section.title}: {section.answered} beantwoord, "
                     f"{section.skipped} overgeslagen, {section.open} open")
    return "\n".join(lines) + "\n\n" + reply.where


def _listed(items) -> str:
    width = max(len(item.ref) for item in items)
    return "\n".join(
        _wrap(f"{item.ref.ljust(width)}  {item.text} ({item.status})", "  ")
        for item in items
    )


@_text.register
def _(reply: QuestionList) -> str:
    return f"{reply.title}:\n{_listed(reply.items)}" + (f"\n\n{reply.footer}" if reply.footer else "")


@_text.register
def _(reply: Recap) -> str:
    tallies = "\n".join(f"  {t.title}: {t.answered} van {t.total} vragen beantwoord"
                        for t in reply.parts)
    text = f"Einde van de vragenlijst. Overzicht voor gemeente {reply.gemeente}:\n{tallies}"
    if not reply.open:
        return text + "\n\nAlle vragen zijn beantwoord. Dank je wel!"
    return (f"{text}\n\nNog open:\n{_listed(reply.open)}\n\n"
            f"Typ ‘wijzig’ met het nummer om een vraag alsnog te beantwoorden, bijvoorbeeld "
            f"‘wijzig {reply.open[0].ref}’.")


@_text.register
def _(reply: Paused) -> str:
    return _wrap(reply.resume_hint)


def _punt_line(punt: PuntSummary) -> str:
    planning = punt.planning_text
    line = f"#{punt.nummer} {punt.ontwikkelpunt or '(nog zonder omschrijving)'}"
    details = [f"wie: {punt.wie or '?'}", f"planning: {planning}", punt.status]
    if punt.stand:
        details.append(f"stand {format_date(punt.stand_at.astimezone(AMSTERDAM).date())}: "
                       f"{punt.stand}")
    return _wrap(line, "  ") + "\n" + _wrap(" · ".join(details), "     ")


@_text.register
def _(reply: PuntList) -> str:
    closed = (f"Verder {reply.closed} afgerond of vervallen. Typ ‘ontwikkelpunt <nummer>’ voor de "
              "details en de geschiedenis.") if reply.closed else ""
    if not reply.groups and not reply.concepts:
        return _wrap(f"Gemeente {reply.gemeente} heeft geen open ontwikkelpunten. {closed} Typ "
                     "‘ontwikkelpunt nieuw’ om er een toe te voegen.".replace("  ", " "))
    parts = [f"Open ontwikkelpunten van gemeente {reply.gemeente}"]
    for title, punten in reply.groups:
        parts.append(f"Basisfunctie {title}\n" + "\n".join(_punt_line(p) for p in punten))
    if reply.concepts:
        parts.append("Concepten (nog niet compleet):\n" + "\n".join(
            _wrap(f"#{p.nummer} {p.ontwikkelpunt} (nog nodig: {', '.join(p.missing)})", "  ")
            for p in reply.concepts))
    if closed:
        parts.append(_wrap(closed))
    return "\n\n".join(parts)


@_text.register
def _(reply: PuntDetail) -> str:
    punt = reply.punt
    head = f"Ontwikkelpunt #{punt.nummer} · {punt.status}" + (" · concept" if punt.concept else "")
    fields = "\n".join(_wrap(f"{label}: {value or '—'}", "  ") for label, value in reply.fields)
    parts = [head, fields]
    if punt.missing:
        parts.append(f"Nog nodig: {', '.join(punt.missing)}.")
    if punt.stand:
        parts.append(f"Stand van zaken ({format_date(punt.stand_at.astimezone(AMSTERDAM).date())}): "
                     f"{punt.stand}")
    if reply.snoozed:
        parts.append(_wrap(reply.snoozed))
    if reply.history:
        parts.append("Geschiedenis:\n" + "\n".join(
            _wrap(f"{format_moment(e.at)} · {e.author} · {e.text}", "  ") for e in reply.history))
    return "\n\n".join(parts)


@_text.register
def _(reply: OpenForm) -> str:
    return ("Dit opent het formulier voor een nieuw ontwikkelpunt." if reply.kind == "nieuw" else
            f"Dit opent het formulier om #{reply.nummer} bij te werken.")


def _flags(punt: PuntSummary) -> str:
    marks = [name for name, on in (("VEROUDERD", punt.verouderd), ("OVER DATUM", punt.over_datum))
             if on]
    return f" [{' · '.join(marks)}]" if marks else ""


@_text.register
def _(reply: Summary) -> str:
    head = f"Samenvatting gemeente {reply.gemeente} · {format_date(reply.day)}"
    if reply.empty:
        return head + "\n\n" + _wrap("Nog niets ingevuld. Begin met ‘start’ voor de Checklist "
                                      "sturing en ‘ontwikkelpunt nieuw’ voor het ontwikkelplan.")
    sections = "\n".join(f"  {s.part} · {s.title}: {s.answered} van {s.total} beantwoord"
                         for s in reply.sections)
    handed = f"\n{_wrap(reply.handed, '  ')}" if reply.handed else ""
    parts = [head, "Checklist sturing\n" + sections + handed]
    if reply.key_answers:
        parts.append("Uit het bestuurlijk gesprek\n" + "\n".join(
            _wrap(f"{a.question}: {a.text}", "  ") for a in reply.key_answers))
    if acties := [b for b in reply.bouwstenen if b.acties]:  # their counts are in the Checklist's
        parts.append("Acties per bouwsteen\n" + "\n".join(
            _wrap(f"{b.title}: {b.acties[:200]}", "  ") for b in acties))
    open_punten = reply.open_punten
    counts = ", ".join(f"{label} {count}" for label, count in reply.status_counts)
    lines = [f"Ontwikkelpunten: {counts}. Verouderd (langer dan {reply.stale_weeks} weken geen "
             f"stand van zaken): {sum(p.verouderd for p in open_punten)}; over datum: "
             f"{sum(p.over_datum for p in open_punten)}."]
    for title, punten in reply.groups:
        lines.append(f"Basisfunctie {title}")
        lines += [_punt_line(p).replace(f"#{p.nummer} ", f"#{p.nummer}{_flags(p)} ", 1) for p in punten]
    parts.append("\n".join(_wrap(line) if not line.startswith(" ") else line for line in lines))
    return "\n\n".join(parts)


@_text.register
def _(reply: Regiobeeld) -> str:
    head = f"Regiobeeld {reply.regio} · {format_date(reply.day)}"
    if not reply.rows:
        return (head + "\n\nNog geen gemeenten in deze regio. Een beheerder zet zijn gemeente erin "
                "met ‘regio instellen <naam>’.")
    width = max(len(r.gemeente) for r in reply.rows)
    lines = [f"  {'Gemeente'.ljust(width)}  Deel I  Deel II  open  verouderd  over datum  afgerond"]
    lines += [f"  {r.gemeente.ljust(width)}  {f'{r.deel1[0]}/{r.deel1[1]}':>6}  "
              f"{f'{r.deel2[0]}/{r.deel2[1]}':>7}  {r.open:>4}  {r.verouderd:>9}  {r.over_datum:>10}  "
              f"{r.afgerond:>8}" for r in reply.rows]
    return head + "\n\n" + "\n".join(lines)


@_text.register
def _(reply: ExportFile) -> str:
    return f"{reply.title} ({reply.filename})"


def reminder_intro(reply: Reminder) -> str:
    """The opening sentence of a reminder, the same on every surface."""
    if reply.kind == "samenvatting":
        return (f"De stuurgroep van gemeente {reply.gemeente} vergadert "
                f"{meeting_words(reply.meeting)}. Hieronder staat waar de gemeente staat.")
    if reply.kind == "voorbereiding":
        lead = (f"De stuurgroep van gemeente {reply.gemeente} vergadert "
                f"{meeting_words(reply.meeting)}. ")
        return lead + ("Wil je de stand van zaken van jouw ontwikkelpunten bijwerken?"
                       if reply.personal else
                       "Eigenaren van open ontwikkelpunten: wil je de stand van zaken bijwerken?")
    if not reply.items:
        return f"Bij gemeente {reply.gemeente} wachten vragen van de Checklist sturing op jou."
    who = (f"Van de ontwikkelpunten van {reply.on_behalf} bij" if reply.on_behalf else
           "Van jouw ontwikkelpunten bij" if reply.personal else "Bij")
    return (f"{who} gemeente {reply.gemeente} zijn deze verouderd (langer dan {reply.stale_weeks} "
            "weken geen stand van zaken) of over datum. Wil je ze bijwerken?")


def reminder_lead(reply: Reminder) -> str:
    """Whose reminder it is, when the reader stands in for someone (empty when it is their own)."""
    return f"Je vervangt {reply.on_behalf}, die afwezig is. " if reply.on_behalf else ""


def reminder_questions(reply: Reminder) -> str:
    """The handed questions a reminder asks about, in a sentence (empty when there are none)."""
    if not reply.questions:
        return ""
    listed = "; ".join(f"{ref} {text}" for ref, text in reply.questions)
    return (f"Aan jou toegewezen en nog open: {listed}. Beantwoord ze met "
            f"{typed(f'mijn vragen {reply.gemeente}', private=True)}.")


def snooze_commands(reply: Reminder, punt: PuntSummary) -> tuple[tuple[str, str], ...]:
    """The buttons of an ontwikkelpunt in someone's own status reminder: later, not now."""
    if not reply.personal or reply.kind != "status":
        return ()
    return (("Herinner me over een week", f"uitstellen {punt.nummer} een week {reply.gemeente}"),
            ("Over twee weken", f"uitstellen {punt.nummer} twee weken {reply.gemeente}"))


def meeting_words(moment) -> str:
    return f"op {format_moment(moment)}" if moment else ""


@_text.register
def _(reply: Reminder) -> str:
    lines = [_wrap(reminder_lead(reply) + reminder_intro(reply))]
    lines += [_punt_line(p).replace(f"#{p.nummer} ", f"#{p.nummer}{_flags(p)} ", 1)
              for p in reply.items]
    if reply.items:
        lines.append(_wrap("Werk bij met ‘bijwerken <nummer> <stand van zaken>’."
                           + (" Later herinnerd worden: ‘uitstellen <nummer> een week’."
                              if snooze_commands(reply, reply.items[0]) else "")))
    if reply.questions:
        lines.append(_wrap(reminder_questions(reply)))
    return "\n".join(lines)


@_text.register
def _(reply: Setting) -> str:
    meetings = "\n".join(f"  {format_moment(m)}" for m in reply.meetings) or "  (geen)"
    return (f"Herinneringen voor gemeente {reply.gemeente}\n"
            f"  Statusherinnering: {reply.reminder}\n"
            f"  Verouderd na: {reply.stale_weeks} weken zonder stand van zaken\n"
            f"  Voorbereiding stuurgroep: {reply.prep_days} werkdagen vooraf\n"
            f"Komende stuurgroepen:\n{meetings}")


def handed_intro(reply: Handed) -> str:
    """What a colleague who was handed questions reads first, the same on every surface."""
    one = len(reply.questions) == 1
    return (f"{reply.by} vraagt je om voor gemeente {reply.gemeente} "
            f"{'deze vraag' if one else f'deze {len(reply.questions)} vragen'} van de Checklist "
            "sturing te beantwoorden. Je antwoord telt voor de gemeente; je ziet alleen "
            f"{'deze vraag' if one else 'deze vragen'}.")


@_text.register
def _(reply: Handed) -> str:
    lines = [_wrap(handed_intro(reply))]
    lines += [fill(text, f"  {ref}  ", " " * (len(ref) + 4)) for ref, text in reply.questions]
    lines.append(_wrap(f"Begin met {typed(reply.start, private=True)}."))
    return "\n".join(lines)


@_text.register
def _(reply: Tell) -> str:  # the console shows what goes to someone else's own chat
    inner = "\n\n".join(_text(r) for r in reply.replies)
    return _wrap(f"Bericht voor {reply.naam}, in de eigen chat met de bot:") + "\n" + "\n".join(
        "  │ " + line for line in inner.splitlines())


@_text.register
def _(reply: DashboardLink) -> str:
    if reply.url:
        return _wrap(f"Je dashboard: {reply.url} (de link meldt je één keer aan en werkt tien "
                     "minuten; vraag daarna een nieuwe met ‘dashboard’).")
    return _wrap("Het dashboard open je op deze computer met: leidraadbot dashboard (met --db erbij "
                 "als je een andere database gebruikt); daarna in je browser op het adres dat het noemt.")
