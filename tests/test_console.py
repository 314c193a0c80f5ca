"""End to end: the console chat as a new user runs it, in a subprocess."""

from __future__ import annotations

import io
import os
import re
import signal
import sqlite3
import subprocess
import sys

import pytest

from dialogues.content import checklist

QUESTIONS = checklist().questions


def run_chat(db_path, *args: str, stdin: str = "", gemeente="Utrecht", gebruiker="Anna"):
    command = [sys.executable, "-m", "bot", "chat", "--db", str(db_path), *args]
    if gemeente:
        command += ["--gemeente", gemeente]
    if gebruiker:
        command += ["--gebruiker", gebruiker]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"}, check=False)


def answers(db_path) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(
            "SELECT g.naam, a.question_id, a.text, u.naam, a.created_at FROM answers a "
            "JOIN gemeenten g ON g.id = a.gemeente_id JOIN users u ON u.id = a.author_id "
            "ORDER BY a.id").fetchall()


def test_piped_answers_walk_deel_1_then_deel_2_and_end_with_the_recap(tmp_path):
    db = tmp_path / "leidraad.db"
    lines = [f"Antwoord {n}" for n in range(1, len(QUESTIONS) + 1)]
    result = run_chat(db, stdin="\n".join([*lines, "na het einde", "nog een regel"]) + "\n")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    shown = re.findall(r"^(Deel I+) › (.+) · vraag (\d+) van (\d+)$", out, re.MULTILINE)
    expected = [(p.part.title, p.section.title, str(p.number), str(p.total))
                for p in map(checklist().position, (q.id for q in QUESTIONS))]
    assert shown == expected, "questions out of the order of Bijlage 1"
    assert "Alle vragen zijn beantwoord" in out
    stored = answers(db)
    assert [(r[1], r[2]) for r in stored] == [(q.id, f"Antwoord {n}")
                                             for n, q in enumerate(QUESTIONS, 1)]
    assert {(r[0], r[3]) for r in stored} == {("Utrecht", "Anna")}
    assert all(r[4].startswith("20") for r in stored)


def test_piped_sentences_that_begin_with_a_command_word_are_answers(tmp_path):
    """A script of answers: each line is stored under its own question, whatever its first word."""
    db = tmp_path / "leidraad.db"
    lines = ["Regio Utrecht heeft een projectleider, lokaal de wethouder Jeugd.",
             "Hulp en ondersteuning wordt geboden door het lokale team.",
             "Status quo is dat er geen visie is.", "Stop met werken in silo's is het motto."]
    result = run_chat(db, stdin="\n".join(lines) + "\n")
    assert [(r[1], r[2]) for r in answers(db)] == [(q.id, line) for q, line in zip(QUESTIONS, lines,
                                                                                  strict=False)]
    assert result.stdout.count("Opgeslagen") == 4 and "Er is niets opgeslagen" not in result.stdout


def test_a_piped_near_miss_waits_and_the_next_line_is_read_as_it_is(tmp_path):
    """Before, the line after a held text was taken as the reply to the bot's question about it,
    and the held text was dropped."""
    db = tmp_path / "leidraad.db"
    result = run_chat(db, stdin="regio\nvoortgang\nopslaan\nstatus afgerond\nEen antwoord\n")
    out = " ".join(result.stdout.split())
    assert "Was “regio” je antwoord bij vraag 1.1? Typ dan ‘ja’ of ‘opslaan’" in out
    assert "“regio” is nog niet opgeslagen" in out  # after voortgang, which was read as voortgang
    assert "Je eerdere bericht “status afgerond” is niet opgeslagen bij vraag 1.2." in out
    assert [(r[1], r[2]) for r in answers(db)] == [(QUESTIONS[0].id, "regio"),
                                                  (QUESTIONS[1].id, "Een antwoord")]


def test_a_text_asked_about_at_the_end_of_input_can_be_stored_at_the_next_start(tmp_path):
    db = tmp_path / "leidraad.db"
    first = run_chat(db, stdin="Terug naar af.\nregio\n")  # an answer, then a near miss
    assert "“regio” is nog niet opgeslagen; typ ‘opslaan’ als je de volgende keer verdergaat" \
        in " ".join(first.stdout.split())
    run_chat(db, stdin="opslaan\n")
    assert [(r[1], r[2]) for r in answers(db)] == [(QUESTIONS[0].id, "Terug naar af."),
                                                  (QUESTIONS[1].id, "regio")]


def test_a_second_near_miss_says_the_first_was_not_stored(tmp_path):
    db = tmp_path / "leidraad.db"
    result = run_chat(db, stdin="regio\nlid\nopslaan\n")
    assert "Je eerdere bericht “regio” is niet opgeslagen bij vraag 1.1." in " ".join(result.stdout.split())
    assert [(r[1], r[2]) for r in answers(db)] == [(QUESTIONS[0].id, "lid")]


def test_a_leading_slash_is_always_a_command(tmp_path):
    db = tmp_path / "leidraad.db"
    result = run_chat(db, stdin="/overslaan\n/Status quo is dat\nEen antwoord\n")
    out = " ".join(result.stdout.split())
    assert "vraag 2 van 23" in out and "status 3 afgerond" in out  # its usage: never an answer
    assert [(r[1], r[2]) for r in answers(db)] == [(QUESTIONS[1].id, "Een antwoord")]


def test_deel_2_starts_at_deel_2(tmp_path):
    result = run_chat(tmp_path / "x.db", "--deel", "2", stdin="Veel al\n")
    assert "Deel II › Bestuurlijk gesprek – lokaal · vraag 1 van 25" in result.stdout
    assert "vraag 1 van 23" not in result.stdout
    assert answers(tmp_path / "x.db")[0][1] == "gesprek.wat_is_er_al"


def test_kill_9_halfway_and_restart_resumes_with_confirmed_answers_intact(tmp_path):
    db = tmp_path / "leidraad.db"
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "chat", "--db", str(db), "--gemeente", "Utrecht",
         "--gebruiker", "Anna"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    try:
        for n in range(1, 6):
            process.stdin.write(f"Antwoord {n}\n")
            process.stdin.flush()
            marker = f"vraag {n + 1} van 23"
            while marker not in (line := process.stdout.readline()):
                assert line, "the chat ended early"
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert [r[2] for r in answers(db)] == [f"Antwoord {n}" for n in range(1, 6)]
    result = run_chat(db, stdin="")
    assert "Welkom terug" in result.stdout
    assert "Opdrachtgevende rol · vraag 6 van 23" in result.stdout
    assert "vraag 1 van 23" not in result.stdout


def test_a_second_user_is_offered_the_first_users_answers(tmp_path):
    db = tmp_path / "leidraad.db"
    run_chat(db, stdin="Wethouder en beleid\n")
    result = run_chat(db, stdin="doorloop alles\ndeel 1\nbehouden\nMijn eigen antwoord\n",
                      gemeente="gemeente utrecht", gebruiker="Bram")
    assert "1 van de 48 vragen beantwoord (Anna 1)" in " ".join(result.stdout.split())
    assert "Er is al een antwoord van de gemeente, door Anna" in result.stdout
    assert "Wethouder en beleid" in result.stdout
    assert "behouden" in result.stdout
    assert [(r[2], r[3]) for r in answers(db)] == [("Wethouder en beleid", "Anna"),
                                                  ("Mijn eigen antwoord", "Bram")]


def test_pause_ends_the_session_and_the_next_start_resumes(tmp_path):
    db = tmp_path / "leidraad.db"
    result = run_chat(db, stdin="een\npauze\nwordt niet gelezen\n")
    assert "Gepauzeerd" in result.stdout and "1.2" in result.stdout
    assert "wordt niet gelezen" not in [r[2] for r in answers(db)]
    assert "vraag 2 van 23" in run_chat(db).stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--db", "/nonexistent/map/leidraad.db"], "bestaat niet"),
        (["--deel", "3"], "kies --deel 1 of --deel 2"),
    ],
)
def test_bad_arguments_give_a_dutch_message_and_no_traceback(tmp_path, args, message):
    result = subprocess.run([sys.executable, "-m", "bot", "chat", "--gemeente", "Utrecht",
                             "--db", str(tmp_path / "x.db"), *args], capture_output=True,
                            text=True, timeout=60, check=False, input="")
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_missing_gemeente_and_unknown_options_are_explained_in_dutch(tmp_path):
    result = run_chat(tmp_path / "x.db", gemeente=None)
    assert result.returncode == 2 and "Voor welke gemeente?" in result.stderr
    result = subprocess.run([sys.executable, "-m", "bot", "chat", "--kleur", "rood"],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2 and "onbekende argumenten" in result.stderr


def test_two_people_answering_at_the_same_time_in_two_processes_lose_nothing(tmp_path):
    db = tmp_path / "leidraad.db"
    run_chat(db, stdin="")  # create the database and the gemeente first
    names = ("Anna", "Bram")
    processes = [
        subprocess.Popen([sys.executable, "-m", "bot", "chat", "--db", str(db), "--gemeente",
                          "Utrecht", "--gebruiker", naam], stdin=subprocess.PIPE,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for naam in names
    ]
    for process, naam in zip(processes, names, strict=True):  # both write before either waits
        process.stdin.write("doorloop alles\ndeel 1\n"  # every question, also those answered
                            + "".join(f"{naam} {n}\n" for n in range(1, len(QUESTIONS) + 1)))
        process.stdin.close()
    errors = [p.stderr.read() for p in processes]
    assert [p.wait(timeout=60) for p in processes] == [0, 0]
    assert errors == ["", ""]
    stored = answers(db)
    assert len(stored) == 2 * len(QUESTIONS)
    assert {r[3] for r in stored} == {"Anna", "Bram"}


def test_the_database_comes_from_leidraad_db_in_dot_env_and_the_environment(tmp_path):
    (tmp_path / ".env").write_text("LEIDRAAD_DB=uit-env-bestand.db\n")
    command = [sys.executable, "-m", "bot", "chat", "--gemeente", "Zeist", "--gebruiker", "Anna"]
    env = {k: v for k, v in os.environ.items() if k != "LEIDRAAD_DB"}
    subprocess.run(command, input="een\n", cwd=tmp_path, env=env, capture_output=True, timeout=60,
                   check=True, text=True)
    assert answers(tmp_path / "uit-env-bestand.db")[0][:3] == ("Zeist", "rollen.wie", "een")
    subprocess.run(command, input="twee\n", cwd=tmp_path, capture_output=True, timeout=60, check=True,
                   text=True, env={**env, "LEIDRAAD_DB": str(tmp_path / "omgeving.db")})
    assert answers(tmp_path / "omgeving.db")[0][2] == "twee"
    (tmp_path / "map").mkdir()  # the .env of a folder above the working directory, too
    subprocess.run(command, input="drie\n", cwd=tmp_path / "map", env=env, capture_output=True,
                   timeout=60, check=True, text=True)
    assert answers(tmp_path / "map" / "uit-env-bestand.db")[0][2] == "drie"


def test_ontwikkelpunten_in_the_console_survive_a_restart(tmp_path):
    db = tmp_path / "leidraad.db"
    walk = ["ontwikkelpunt nieuw", "3", "4", "Bereikbaarheid lokaal team vergroten", "overslaan",
            "overslaan", "overslaan", "Team Zuid", "1 september 2027", "Folder in de maak",
            "bijwerken 1 Folder gedrukt", "status 1 afgerond"]
    run_chat(db, stdin="\n".join(walk) + "\n")
    result = run_chat(db, stdin="ontwikkelpunt 1\nontwikkelpunten\n")
    assert "Ontwikkelpunt #1 · afgerond" in result.stdout
    assert "Stand van zaken (" in result.stdout and "Folder gedrukt" in result.stdout
    assert "Planning: 1 september 2027" in result.stdout
    assert "3.4 Waar en hoe is het lokale team aanwezig en bereikbaar?" in result.stdout
    assert "Verder 1 afgerond of vervallen" in result.stdout


def test_at_a_terminal_a_pasted_block_is_one_answer_and_the_arrow_keys_edit(service, store):
    from prompt_toolkit import PromptSession
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from bot.adapters.console import Console
    from bot.core.messages import console_user

    out = io.StringIO()
    with create_pipe_input() as keys:
        session = PromptSession(input=keys, output=DummyOutput())
        keys.send_text("\x1b[200~Eerste alinea.\r\n\r\nTweede alinea.\r\nDerde alinea.\x1b[201~\r")
        keys.send_text("rol\x1b[D\x1b[D\x1b[DMijn \r")  # typed "rol", then three to the left
        keys.send_text("pauze\r")
        Console(service, "Utrecht", console_user("Anna"), out).run(io.StringIO(), session=session)
    stored = [(a[1], a[2]) for a in answers(store.path)]
    assert stored == [(QUESTIONS[0].id, "Eerste alinea.\n\nTweede alinea.\nDerde alinea."),
                      (QUESTIONS[1].id, "Mijn rol")]
    assert "Gepauzeerd" in out.getvalue()


def test_a_busy_database_is_said_in_dutch_and_nothing_is_stored(tmp_path, monkeypatch):
    """SQLite says "database is locked"; the person at the terminal reads Dutch."""
    import store.database
    from bot.adapters.console import Console
    from bot.core.messages import Start, User
    from bot.service import Service
    from store import Store

    monkeypatch.setattr(store.database, "BUSY_TIMEOUT_MS", 50)
    db = tmp_path / "leidraad.db"
    kept = Store(db)
    console = Console(Service(kept), "Utrecht", User("console:anna", "Anna"), io.StringIO())
    console.send(start=Start())
    other = sqlite3.connect(db, timeout=0.05, isolation_level=None)  # another program, writing
    other.execute("BEGIN IMMEDIATE")
    try:
        [said] = console.send("Het college")
    finally:
        other.rollback()
        other.close()
    assert said.text == "De database is even bezet; er is niets opgeslagen. Probeer het zo opnieuw."
    assert "locked" not in console.out.getvalue()
    assert kept.db.execute("SELECT count(*) FROM answers").fetchone() == (0,)
    kept.close()


def test_a_refused_start_leaves_nothing_behind_and_the_next_start_works(tmp_path):
    db = tmp_path / "leidraad.db"
    refused = run_chat(db, gemeente="Nergenshuizen", stdin="")
    assert refused.returncode == 2 and "geen gemeente" in refused.stderr
    assert list(tmp_path.iterdir()) == []  # no database, no lock, no WAL
    started = run_chat(db, stdin="")
    assert started.returncode == 0 and "Traceback" not in started.stderr
    assert db.exists()
    again = run_chat(db, gemeente="Nergenshuizen", stdin="")  # an existing database stays
    assert again.returncode == 2 and db.exists()
