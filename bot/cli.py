"""The entry point: ``leidraadbot`` (or ``python -m bot``).

Loads ``.env``, configures logging, opens the store, builds the chosen adapter and starts it.
Everything the person at the terminal reads is Dutch, argparse's own messages included.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from bot.adapters.console import (
    Console,
    ask_name,
    remember_name,
    remembered_name,
    terminal_session,
)
from bot.config import (
    ConfigError,
    Settings,
    configure_logging,
    dashboard_url,
    from_env,
    platforms_configured,
)
from bot.core.commands import part_number
from bot.core.context import gemeente_named
from bot.core.dutch import AMSTERDAM, DateError, format_date, os_error, parse_date
from bot.core.messages import console_user
from bot.core.text import MAX_NAME_LENGTH, clean_text, gemeente_key, show_typed, whole_number
from bot.render.plain import quoted_command
from bot.service import Problem, Service
from bot.team.forget import forget, leaving, may_forget, person_in
from dialogues.content import ContentError
from store import Store, StoreError
from store.database import companions

if TYPE_CHECKING:  # the commands import what only they use, so a chat starts without it
    from bot.reminders.scheduler import Scheduler

_ARGPARSE_DUTCH = {
    "usage: ": "gebruik: ",
    "options": "opties",
    "positional arguments": "argumenten",
    "show this help message and exit": "toon deze hulp en stop",
    "the following arguments are required: %s": "deze argumenten zijn verplicht: %s",
    "unrecognized arguments: %s": "onbekende argumenten: %s",
    "expected one argument": "verwacht een waarde",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "ongeldige keuze: %(value)r (kies uit %(choices)s)",
    "argument %(argument_name)s: %(message)s": "bij %(argument_name)s: %(message)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fout: %(message)s\n",
    "ambiguous option: %(option)s could match %(matches)s":
        "onduidelijke optie: %(option)s kan %(matches)s zijn",
}
# argparse looks its messages up through its module-level gettext alias at call time.
argparse._ = lambda message: _ARGPARSE_DUTCH.get(message, message)  # type: ignore[attr-defined]


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PAD",
                        help="databasebestand (standaard: $LEIDRAAD_DB of leidraad.db)")
    parser = argparse.ArgumentParser(
        prog="leidraadbot",
        description="Leidraadbot: de Checklist sturing van de Leidraad Werken aan Veiligheid, "
                    "als gesprek, met de antwoorden per gemeente bewaard.",
    )
    commands = parser.add_subparsers(dest="command", metavar="opdracht", title="opdrachten")
    slack_http = argparse.ArgumentParser(add_help=False)
    slack_http.add_argument("--http", action="store_true",
                            help="Slack's Events API over HTTP bedienen in plaats van Socket Mode")
    http = argparse.ArgumentParser(add_help=False)
    http.add_argument("--port", metavar="N",
                      help="poort van de server (standaard: $PORT, of 3000 voor Slack, 3978 voor Teams)")
    http.add_argument("--host", metavar="ADRES",
                      help="adres van de server (standaard: 0.0.0.0; 127.0.0.1 met "
                           "LEIDRAAD_TEAMS_LOKAAL=1)")
    for name, help_text, parents in (
        ("chat", "het gesprek in de terminal (ook via standaardinvoer te gebruiken)", [common]),
        ("run", "de bot starten met de herinneringen: in Slack en Teams als die ingesteld zijn "
                "(SLACK_BOT_TOKEN, CLIENT_ID), anders het gesprek in de terminal",
         [common, http, slack_http]),
    ):
        chat = commands.add_parser(name, parents=parents, help=help_text, description=help_text)
        chat.add_argument("--gemeente", metavar="NAAM", help="de gemeente, bijvoorbeeld Utrecht")
        chat.add_argument("--gebruiker", metavar="NAAM",
                          help="jouw naam, zoals collega's die bij je antwoorden zien "
                               "(de eerste keer gevraagd en daarna onthouden)")
        chat.add_argument("--deel", metavar="1|2", help="beginnen bij Deel I of Deel II")
    reminders = commands.add_parser(
        "herinneringen", parents=[common], help="de herinneringen versturen die nu aan de beurt zijn",
        description="Verstuurt de herinneringen die aan de beurt zijn (elke minuut, of met "
                    "--eenmalig één keer, voor cron).")
    reminders.add_argument("--eenmalig", action="store_true", help="één keer kijken en stoppen")
    reminders.add_argument("--voorbeeld", action="store_true",
                           help="laten zien wat er nu verstuurd zou worden, aan wie en waarom, "
                                "zonder iets te versturen (zonder Slack of Teams)")
    reminders.add_argument("--nu", metavar="2026-12-01T09:00",
                           help="doen alsof het nu dit moment is (tijd in Nederland)")
    summary = commands.add_parser(
        "samenvatting", parents=[common], help="de samenvatting van een gemeente, als Markdown",
        description="De samenvatting van een gemeente (of met --regio het regiobeeld), als Markdown.")
    summary.add_argument("--gemeente", metavar="NAAM")
    summary.add_argument("--regio", metavar="NAAM", help="het regiobeeld van deze regio")
    export = commands.add_parser(
        "export", parents=[common], help="het ontwikkelplan als Word, Excel, PDF of Markdown",
        description="Het ontwikkelplan van een gemeente als document.")
    export.add_argument("--gemeente", metavar="NAAM")
    export.add_argument("--formaat", metavar="md|docx|xlsx|pdf|json", default=None,
                        help="standaard docx; json met --alles")
    export.add_argument("--alles", action="store_true",
                        help="alles wat de bot bewaart, van alle gemeenten (met --formaat json)")
    export.add_argument("-o", "--uitvoer", metavar="BESTAND", help="standaard: de voorgestelde naam")
    commands.add_parser(
        "slack", parents=[common, http, slack_http], help="de bot in Slack (Socket Mode, of --http)",
        description="De bot in Slack. Zonder --http via Socket Mode (SLACK_APP_TOKEN, geen "
                    "publieke URL nodig); met --http via de Events API op /slack/events.")
    commands.add_parser(
        "teams", parents=[common, http], help="de bot in Microsoft Teams, op /api/messages",
        description="De bot in Microsoft Teams: de Teams-app praat met /api/messages (standaard op "
                    "poort 3978). Nodig: CLIENT_ID, CLIENT_SECRET en TENANT_ID van de bot, of "
                    "LEIDRAAD_TEAMS_LOKAAL=1 om lokaal te proberen.")
    package = commands.add_parser(
        "teams-pakket", parents=[common],
        help="het app-pakket voor Teams maken (manifest.json en iconen, gezipt)",
        description="Schrijft het app-pakket dat je in Teams uploadt, voor de bot met CLIENT_ID.")
    package.add_argument("-o", "--uitvoer", metavar="BESTAND", default="leidraadbot-teams.zip")
    package.add_argument("--versie", metavar="X.Y.Z", default="1.0.0",
                         help="versie van het pakket; hoger bij elke nieuwe upload")
    package.add_argument("--website", metavar="URL", default="",
                         help="de website van de gemeente of organisatie die de bot aanbiedt (https://…)")
    audit = commands.add_parser(
        "audit", parents=[common], help="alle wijzigingen van een gemeente: wie, wanneer, wat was, "
                                        "wat werd",
        description="Elke wijziging van een gemeente (antwoorden, ontwikkelpunten, leden, kanalen, "
                    "instellingen, stuurgroepen), met wie en wanneer, wat het was en wat het werd.")
    audit.add_argument("--gemeente", metavar="NAAM", required=True)
    audit.add_argument("--sinds", metavar="DATUM", help="alleen vanaf deze dag, bijvoorbeeld 1-12-2026")
    audit.add_argument("--formaat", metavar="tekst|csv", choices=["tekst", "csv"], default="tekst",
                       help="tekst (standaard, lange waarden ingekort) of csv (alles volledig)")
    audit.add_argument("-o", "--uitvoer", metavar="BESTAND", help="standaard: op het scherm")
    saving = commands.add_parser(
        "backup", parents=[common], help="een backup van de database maken (ook terwijl de bot draait)",
        description="Maakt een volledige, consistente kopie van de database (en de inbox ernaast), "
                    "ook terwijl de bot draait.")
    saving.add_argument("bestand", metavar="BESTAND", help="waar de backup komt, bijvoorbeeld "
                                                           "backups/leidraad-2026-12-01.db")
    putting_back = commands.add_parser(
        "herstel", parents=[common], help="een backup terugzetten (stop de bot eerst)",
        description="Controleert een backup en zet hem terug in de plaats van de database; de "
                    "database die er stond wordt bewaard.")
    putting_back.add_argument("bestand", metavar="BESTAND", help="de backup")
    for role, scope, example in (("beheerder", "gemeente", "Utrecht"),
                                 ("projectleider", "regio", "Regio Midden")):
        granting = commands.add_parser(
            role, parents=[common], help=f"iemand {role} maken van een {scope} (voor de beheerder "
                                         "van de bot)",
            description=f"Maakt iemand {role} van een {scope}; die persoon vindt zijn gebruikers-id "
                        "in de melding van de bot als het nog niet mag.")
        granting.add_argument("actie", choices=["toevoegen"])
        granting.add_argument(f"--{scope}", required=True, metavar="NAAM", help=f"bijvoorbeeld {example}")
        granting.add_argument("gebruiker", metavar="GEBRUIKER",
                              help="het gebruikers-id, zoals slack:T123:U456 of teams:<tenant>:<id>")
    naming = commands.add_parser(
        "gemeente", parents=[common], help="de gemeenten in de database: lijst, hernoemen, "
                                           "samenvoegen (voor de beheerder van de bot)",
        description="lijst: de gemeenten in de database, met hun nummer. hernoemen OUD NIEUW: een "
                    "gemeente haar officiële naam geven. samenvoegen VAN NAAR: alles van de ene "
                    "gemeente naar de andere brengen (antwoorden, ontwikkelpunten, kanalen, leden); "
                    "VAN verdwijnt. Een gemeente noem je bij naam of bij nummer (#12).")
    naming.add_argument("actie", choices=["lijst", "hernoemen", "samenvoegen"])
    naming.add_argument("namen", nargs="*", metavar="GEMEENTE")
    naming.add_argument("--ja", action="store_true",
                        help="niet vragen of het zeker is (voor scripts)")
    forgetting = commands.add_parser(
        "vergeet", parents=[common], help="iemand die vertrok vergeten (AVG): naam en id's overal "
                                          "vervangen door een pseudoniem (voor de beheerder van de bot)",
        description="Vervangt de naam en de gebruikers-id's van iemand die vertrok overal door een "
                    "vast pseudoniem (‘Oud-medewerker 3’): in antwoorden, versies, stand van zaken, "
                    "eigenaren, het logboek, herinneringen en exports. Alles blijft bewaard.")
    forgetting.add_argument("persoon", metavar="PERSOON",
                            help="de naam zoals die bij de antwoorden staat, of het gebruikers-id")
    forgetting.add_argument("--overdragen-aan", metavar="PERSOON",
                            help="wie de open ontwikkelpunten en toegewezen vragen krijgt")
    forgetting.add_argument("--ja", action="store_true", help="niet vragen of het zeker is (voor scripts)")
    showing = commands.add_parser(
        "dashboard", parents=[common], help="het dashboard in je browser: elke gemeente en regio in "
                                            "één oogopslag (alleen op deze computer)",
        description="Serveert het dashboard op http://127.0.0.1:<poort>/dashboard, zonder "
                    "aanmelden, voor wie achter deze computer zit (zoals het gesprek in de terminal).")
    showing.add_argument("--port", metavar="N", default="8765", help="poort (standaard 8765)")
    work = commands.add_parser(
        "werk", parents=[common], help="het werkproces: verwerkt wat binnenkwam (slack en run "
                                       "starten het zelf)",
        description="Verwerkt de berichten die de bot aannam en verstuurt de antwoorden; slack en run "
                    "starten dit proces zelf naast zich.")
    work.add_argument("--herinneringen", action="store_true", help="ook de herinneringen versturen")
    work.add_argument("--ouder", metavar="PID", type=int,
                      help="stoppen zodra dit proces (dat het werkproces startte) er niet meer is")
    return parser


def _load_env_file() -> None:
    """The settings in ``.env`` of the working directory or the nearest folder above it (as
    python-dotenv's ``find_dotenv`` looks), without overriding the environment; python-dotenv is
    loaded only when there is such a file."""
    folder = Path.cwd()
    for place in (folder, *folder.parents):
        if (place / ".env").is_file():
            from dotenv import load_dotenv

            load_dotenv(place / ".env", override=False)
            return


def main(argv: Sequence[str] | None = None) -> int:
    _load_env_file()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        settings = from_env(os.environ, db=args.db)
        configure_logging(settings.log_level)
        if args.command in ("slack", "teams"):
            return _serve(args, settings, [args.command])
        if args.command == "run" and platforms_configured(os.environ):
            return _serve(args, settings, platforms_configured(os.environ))
        if args.command == "teams-pakket":
            return _teams_package(args)
        if args.command in ("samenvatting", "export"):
            return _document(args, settings)
        if args.command == "herinneringen":
            return _reminders(args, settings)
        if args.command == "werk":
            return _work(args, settings)
        if args.command == "audit":
            return _audit(args, settings)
        if args.command in ("backup", "herstel"):
            return _backup(args, settings)
        if args.command in ("beheerder", "projectleider"):
            return _grant(args, settings)
        if args.command == "gemeente":
            return _gemeenten(args, settings)
        if args.command == "vergeet":
            return _forget(args, settings)
        if args.command == "dashboard":
            return _dashboard(args, settings)
        return _chat(args, settings)
    except Problem as problem:  # a command in it as the terminal takes it
        print(f"✗ {show_typed(str(problem), quoted_command)}", file=sys.stderr)
        return 2
    except (ConfigError, StoreError, ContentError) as exc:
        print(f"✗ {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    except BrokenPipeError:  # the reader went away (``| head``): stop quietly
        sys.stdout = None
        return 0


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    gemeente = args.gemeente or ""
    if not gemeente_key(gemeente):
        raise ConfigError("Voor welke gemeente? Geef de naam op met --gemeente, "
                          "bijvoorbeeld: leidraadbot chat --gemeente Utrecht")
    deel = None
    if args.deel is not None:
        deel = part_number(args.deel)
        if deel is None:
            raise ConfigError(f"--deel {args.deel!r} bestaat niet; kies --deel 1 of --deel 2.")
    with _undone_if_refused(settings.db_path):
        store = Store(settings.db_path)
        try:
            gemeente_named(store, gemeente, again='--gemeente "{}"')  # a typo never becomes one
        except BaseException:
            store.close()
            raise
    try:
        session = terminal_session() if sys.stdin.isatty() and sys.stdout.isatty() else None
        asked = args.gebruiker or remembered_name() or ask_name(sys.stdin, sys.stdout, session)
        if asked is None:  # the input ended before a name came
            print("Tot later! Start opnieuw om te beginnen.")
            return 0
        naam = " ".join(clean_text(asked).split())
        if not naam or len(naam) > MAX_NAME_LENGTH:
            raise ConfigError("Geef je naam op met --gebruiker (hoogstens 80 tekens), "
                              "bijvoorbeeld --gebruiker \"Anna de Vries\".")
        remember_name(naam)
        Console(Service(store), gemeente, console_user(naam), sys.stdout).run(sys.stdin, deel, session)
    finally:
        store.close()
    return 0


@contextmanager
def _undone_if_refused(path: Path) -> Iterator[None]:
    """A database this start creates is removed again (with its lock and WAL files) when the
    start is refused within the block: a refused start leaves nothing behind."""
    new = not path.exists() and not any(trace.exists() for trace in companions(path))
    try:
        yield
    except BaseException:
        if new:
            for made in (path, *companions(path)):
                made.unlink(missing_ok=True)
        raise


def _serve(args: argparse.Namespace, settings: Settings, names: list[str]) -> int:
    """``slack``, ``teams`` and ``run``: take in what the platforms send, with the worker process
    beside (and, for ``run``, the reminders)."""
    from bot.adapters import configured
    from bot.service.worker import WorkerProcess
    # Slack over Socket Mode unless --http; `run` also picks HTTP when there is no app token.
    slack_http = getattr(args, "http", False) or (args.command == "run"
                                                  and not os.environ.get("SLACK_APP_TOKEN"))
    port_text = getattr(args, "port", None) or os.environ.get("PORT")
    port = whole_number(port_text, 5) if port_text is not None else None
    if port_text is not None and (port is None or port > 65535):
        raise ConfigError(f"--port {port_text!r} is geen poortnummer; kies bijvoorbeeld 3000.")
    store = Store(settings.db_path)
    service = Service(store)
    serve = configured.listen(service, os.environ, names, args.host,
                             int(port_text) if port_text else None, slack_http)
    worker = WorkerProcess(["--db", str(settings.db_path),
                            *(["--herinneringen"] if args.command == "run" else [])])
    worker.start()
    try:
        serve()
    finally:
        worker.stop()
    return 0


def _work(args: argparse.Namespace, settings: Settings) -> int:
    """The worker process beside ``slack``, ``teams`` and ``run``: the inbox, the outbox, the
    reminders, for every platform configured."""
    from bot.adapters import configured
    from bot.reminders.scheduler import Ticker
    from bot.service.worker import exit_with_parent, worker_lock
    if args.ouder:
        exit_with_parent(args.ouder)
        if hasattr(os, "nice"):
            os.nice(10)  # when the machine is busy, the acknowledgements go first
    names = platforms_configured(os.environ)
    store = Store(settings.db_path)
    with worker_lock(settings.db_path):
        service = Service(store)
        inbox = configured.worker_inbox(service, os.environ, names)
        inbox.start(watch=True)
        if args.herinneringen:
            Ticker(_scheduler(service, inbox.outbox)).run()
        else:
            threading.Event().wait()  # the workers work until the process is stopped
    return 0


def _grant(args: argparse.Namespace, settings: Settings) -> int:
    """``beheerder toevoegen --gemeente`` and ``projectleider toevoegen --regio``: the operator's."""
    if not re.fullmatch(r"(slack|teams|console):\S+", args.gebruiker):
        raise ConfigError(f"‘{args.gebruiker}’ is geen gebruikers-id; die ziet eruit als "
                          "slack:T123:U456 of teams:<tenant>:<id> (de bot noemt het in zijn melding).")
    store = Store(settings.db_path)
    try:
        name = args.gemeente if args.command == "beheerder" else args.regio
        where = Service(store).grant(args.command, name, args.gebruiker)
    finally:
        store.close()
    print(f"✓ {args.gebruiker} is nu {args.command} van {where}.")
    return 0


def _gemeenten(args: argparse.Namespace, settings: Settings) -> int:
    """``leidraadbot gemeente lijst|hernoemen|samenvoegen``."""
    wanted = 0 if args.actie == "lijst" else 2
    if len(args.namen) != wanted:
        raise ConfigError("Gebruik: leidraadbot gemeente lijst, leidraadbot gemeente hernoemen "
                          "OUD NIEUW, of leidraadbot gemeente samenvoegen VAN NAAR.")
    if wanted and not args.ja:
        first, second = args.namen
        if not _sure(f"Dit hernoemt ‘{first}’ tot ‘{second}’." if args.actie == "hernoemen" else
                     f"Dit brengt alles van ‘{first}’ naar ‘{second}’; ‘{first}’ verdwijnt daarna."):
            print("Er is niets veranderd.")
            return 1
    store = _existing_store(settings)
    try:
        lines = Service(store).gemeenten(args.actie, *args.namen)
    finally:
        store.close()
    print("\n".join(lines) if lines else "Er staan nog geen gemeenten in de database.")
    return 0


def _dashboard(args: argparse.Namespace, settings: Settings) -> int:
    """``leidraadbot dashboard [--port N]``: the pages for the person at this computer alone."""
    from bot.adapters.dashboard import PREFIX, Operator, dashboard, to_dashboard
    from bot.adapters.server import Server, asgi_app

    port = whole_number(args.port, 5)
    if port is None or port > 65535:
        raise ConfigError(f"--port {args.port!r} is geen poortnummer; kies bijvoorbeeld 8765.")
    store = _existing_store(settings)
    service = Service(store)
    operator = Operator(service)
    pages = dashboard(service, lambda scope: operator)
    server = Server(asgi_app({"/": to_dashboard, PREFIX: pages, PREFIX + "/": pages}, store.healthy),
                    "127.0.0.1", port)
    print(f"Het dashboard staat op http://127.0.0.1:{server.port}{PREFIX} (stoppen: Ctrl-C).",
          flush=True)
    try:
        server.run()
    finally:
        store.close()
    return 0


def _forget(args: argparse.Namespace, settings: Settings) -> int:
    """``leidraadbot vergeet PERSOON [--overdragen-aan PERSOON] [--ja]``."""
    store = _existing_store(settings)
    try:
        gone = leaving(store, args.persoon)
        heir = person_in(store, args.overdragen_aan) if args.overdragen_aan else None
        may_forget(gone, heir)
        if not args.ja and not _sure(f"{gone.summary()} Dat kan niet ongedaan worden gemaakt."):
            print("Er is niets veranderd.")
            return 1
        forget(store, gone, heir, datetime.now(AMSTERDAM).isoformat())
    finally:
        store.close()
    print(f"✓ ‘{gone.naam}’ heet nu overal ‘{gone.pseudonym}’"
          + (f"; de open ontwikkelpunten en vragen zijn van {heir['naam']}" if heir else "") + ". "
          "Backups die eerder gemaakt zijn bevatten de naam nog, tot je ze weggooit.")
    return 0


def _sure(what: str) -> bool:
    """Whether the operator confirms what is about to happen, said in the sentence ``what``
    (asked at a terminal; a script says --ja)."""
    if not sys.stdin.isatty():
        raise ConfigError(f"{what} Bevestig met --ja.")
    return input(f"{what} Weet je het zeker? Typ ja: ").strip().casefold() == "ja"


def _existing_store(settings: Settings) -> Store:
    """The database, for a command that reads it; a word when there is none yet (and the store's
    own when there was one, and it is gone)."""
    path = settings.db_path
    if not path.exists() and not any(trace.exists() for trace in companions(path)):
        raise ConfigError(f"Er is nog geen database ‘{path}’; begin met leidraadbot chat.")
    return Store(path)


def _write(path: Path, content: bytes) -> None:
    """``content`` into the file ``path``; ``-`` is standard output."""
    if str(path) == "-":
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        return
    try:
        path.write_bytes(content)
    except OSError as error:
        raise ConfigError(f"‘{path}’ kan niet worden geschreven: {os_error(error)}.") from error


def _saved(path: Path, what: str) -> None:
    """Say where ``what`` went; with ``-o -`` standard output holds the file itself, so this goes
    to standard error."""
    if str(path) == "-":
        print(f"✓ {what} naar de standaarduitvoer geschreven", file=sys.stderr)
    else:
        print(f"✓ {what} opgeslagen als {path}")


def _audit(args: argparse.Namespace, settings: Settings) -> int:
    """``audit --gemeente X [--sinds DATUM]``: every change, to the screen or a file."""
    from bot.reports import audit
    since = None
    if args.sinds:
        try:
            since = datetime.combine(parse_date(args.sinds), time(), AMSTERDAM)
        except DateError as error:
            raise ConfigError(f"--sinds: {error}") from None
    store = _existing_store(settings)
    try:
        naam, changes = Service(store).audit(args.gemeente, since)
    finally:
        store.close()
    title = f"Gemeente {naam}" + (f", sinds {format_date(since.date())}" if since else "")
    text = audit.as_csv(changes) if args.formaat == "csv" else audit.as_text(title, changes)
    if not args.uitvoer:
        sys.stdout.write(text)
        return 0
    _write(Path(args.uitvoer), text.encode("utf-8-sig" if args.formaat == "csv" else "utf-8"))
    _saved(Path(args.uitvoer), f"{len(changes)} wijzigingen van gemeente {naam}")
    return 0


def _backup(args: argparse.Namespace, settings: Settings) -> int:
    """``backup BESTAND`` while the bot runs; ``herstel BESTAND`` once it is stopped."""
    from store.backup import backup, restore
    given = Path(args.bestand)
    if args.command == "backup":
        written = backup(settings.db_path, given)
        print(f"✓ Backup gemaakt: {' en '.join(str(p) for p in written)}")
        return 0
    kept = restore(given, settings.db_path)
    print(f"✓ {settings.db_path} is teruggezet uit {given}"
          + (f"; de database die er stond is bewaard als {kept}" if kept else ""))
    return 0


def _teams_package(args: argparse.Namespace) -> int:
    from bot.adapters.teams.package import write_package

    client_id = os.environ.get("CLIENT_ID", "").strip()
    path = Path(args.uitvoer)
    dashboard = dashboard_url(os.environ)
    write_package(path, client_id, args.versie, args.website, dashboard)
    print(f"✓ App-pakket voor Teams opgeslagen als {path}"
          + (f", met het dashboard als tabblad ({dashboard})" if dashboard else "")
          + ". Upload het in Teams via Apps › Apps beheren › Een app uploaden.")
    return 0


def _everything(args: argparse.Namespace, settings: Settings) -> int:
    """``export --alles --formaat json``: everything the bot keeps, per gemeente."""
    from bot.export.everything import everything
    if (args.formaat or "json") != "json" or args.gemeente:
        raise ConfigError("--alles schrijft alles van alle gemeenten, als JSON: leidraadbot export "
                          "--alles --formaat json [-o bestand.json]")
    store = _existing_store(settings)
    try:
        data = json.dumps(everything(store), ensure_ascii=False, indent=2)
    finally:
        store.close()
    path = Path(args.uitvoer or f"leidraadbot-alles-{datetime.now().date().isoformat()}.json")
    _write(path, (data + "\n").encode())
    _saved(path, "Alles wat Leidraadbot bewaart")
    return 0


def _document(args: argparse.Namespace, settings: Settings) -> int:
    from bot.export import document, markdown
    from bot.export.pdf import PdfError, to_pdf
    if args.command == "export" and args.alles:
        return _everything(args, settings)
    if args.command == "export" and args.formaat == "json":
        raise ConfigError("JSON is er voor alles tegelijk: leidraadbot export --alles --formaat json")
    if not args.gemeente and not getattr(args, "regio", None):
        raise ConfigError(f"Voor welke gemeente? Gebruik bijvoorbeeld: leidraadbot {args.command} "
                          "--gemeente Utrecht")
    store = _existing_store(settings)
    try:
        service = Service(store)
        if args.command == "samenvatting":
            text = (markdown.regiobeeld(service.regiobeeld(args.regio)) if args.regio else
                    document(service.export(args.gemeente, "md"), service.plan.content).decode())
            sys.stdout.write(text)
            return 0
        pdf = args.formaat == "pdf"  # the Word document, converted
        export = service.export(args.gemeente, "docx" if pdf else args.formaat or "docx")
        filename = str(Path(export.filename).with_suffix(".pdf")) if pdf else export.filename
        path = Path(args.uitvoer or filename)
        if str(path) == "-" and export.format != "md" and sys.stdout.isatty():
            raise ConfigError(f"Een {'pdf' if pdf else export.format}-bestand is niet te lezen in "
                              f"de terminal; schrijf het naar een bestand met -o {filename}, of "
                              "stuur het door (-o - | …).")
        content = document(export, service.plan.content)
        try:
            _write(path, to_pdf(content) if pdf else content)
        except PdfError as error:
            raise ConfigError(str(error)) from None
        _saved(path, export.title)
        return 0
    finally:
        store.close()


def _scheduler(service: Service, outbox) -> Scheduler:
    from bot.reminders.scheduler import ReminderMessages, Scheduler
    messages = ReminderMessages(service.store, service.plan, service.reporter)
    return Scheduler(service.store, messages, outbox, service.clock)


PATIENCE = 30  # seconds a one-shot run waits for a platform that asks to try again shortly


def _reminders(args: argparse.Namespace, settings: Settings) -> int:
    from bot.adapters import configured
    from bot.reminders.scheduler import Ticker, outcome_words
    from bot.service.outbox import Outbox
    from bot.service.worker import worker_lock
    now = None
    if args.nu:
        try:
            now = datetime.fromisoformat(args.nu)
        except ValueError:
            raise ConfigError(f"--nu {args.nu!r} is geen moment; schrijf bijvoorbeeld "
                              "--nu 2026-12-01T09:00") from None
        now = now if now.tzinfo else now.replace(tzinfo=AMSTERDAM)
    names = platforms_configured(os.environ)
    if args.voorbeeld:
        store = _existing_store(settings)
        try:
            print("\n".join(_scheduler(Service(store), None).preview(now))
                  or "Er staan nog geen gemeenten in de database.")
            print("(Een voorbeeld: er is niets verstuurd.)")
        finally:
            store.close()
        return 0
    if not names:
        raise ConfigError("Er is geen chatplatform ingesteld om herinneringen naar te sturen: zet "
                          "SLACK_BOT_TOKEN (Slack) of CLIENT_ID, CLIENT_SECRET en TENANT_ID (Teams), "
                          "of LEIDRAAD_TEAMS_LOKAAL=1 om het lokaal te proberen. Wat er verstuurd "
                          "zou worden zie je met leidraadbot herinneringen --voorbeeld.")
    store = Store(settings.db_path)
    try:
        service = Service(store)
        outbox = Outbox(store, configured.sending(service, os.environ, names))
        scheduler = _scheduler(service, outbox)
        if not args.eenmalig:
            with worker_lock(settings.db_path):  # the only one sending on this database
                outbox.start()
                Ticker(scheduler).run()  # in the foreground, until Ctrl-C
            return 0
        with worker_lock(settings.db_path, wait=False) as alone:  # else the worker sends them
            outcomes = scheduler.run_here(now, PATIENCE) if alone else scheduler.run_once(now)
        for key, outcome in outcomes:
            print(outcome_words(store, key, outcome))
        sent = sum(outcome == "sent" for _, outcome in outcomes)
        print(f"✓ {sent} herinnering(en) verstuurd.")
        if not outcomes:  # why nothing went out
            current = now or datetime.now(AMSTERDAM)
            for gemeente in store.gemeenten.all():
                print(scheduler.why_nothing(gemeente, current))
        return 0
    finally:
        store.close()
