"""Citizens' personal data is refused before anything is stored: in answers, ontwikkelpunt
fields and the stand van zaken; the Leidraad's own texts pass untouched."""

from __future__ import annotations

import pytest

from bot.core.messages import FormInput, FormSent
from bot.core.privacy import personal_data
from bot.core.replies import FormErrors, Notice

from .conftest import SEEDS, Chat, console_inbound

# Each kind, as people would type it (the BSN passes the elfproef, the IBAN its check digits).
PERSONAL = {
    "bsn": ["Het gaat om BSN 111222333", "kind met nummer 111 222 333", "bsn 111-222-333"],
    "iban": ["Terugbetalen op NL91ABNA0417164300", "rekening NL91 ABNA 0417 1643 00",
             "Via rekening NL91ABNA0417164300 betaald.", "NL91 ABNA 0417 1643 00 voor de huur",
             "NL91-ABNA-0417-1643-00"],
    "telefoon": ["Moeder bellen op 06-12345678", "thuis 030 123 4567", "+31 6 1234 5678"],
    "email": ["Zij mailt vanaf jan.jansen@gmail.com", "contact: familie@ziggo.nl", "jan＠gmail.com",
              "vader: p.devries@bedrijf.nl", "j.jansen@utrecht.nl weet ervan"],
    "geboortedatum": ["Jan Jansen, geboren op 12-03-1985", "Sem de Vries (12-03-2019)",
                      "geb. 3 maart 2015", "geboren 2015-03-12", "geb. 12-3-85",
                      "op 1 januari 1980 geboren"],
    "adres": ["Kerkstraat 12, 3511 AB Utrecht", "woont op 3511 AB 12"],
}
# What a policy text holds that looks alike, and must pass.
POLICY = ["We besteden 123456789 euro", "nummer 123 456 789 (geen elfproef)", "In 2026-2027",
          "De begroting is 1.234.567 euro", "planning 1-3-2027", "Bouwsteen 3.4 en artikel 1.3",
          "Veilig Thuis is bereikbaar op 0800-2000", "mail stevigelokaleteams@vng.nl",
          "De wethouder jeugd en Anna de Vries", "het team in 3511 AB", "www.utrecht.nl"]
CASES = [(kind, text) for kind, texts in PERSONAL.items() for text in texts]


@pytest.mark.parametrize(("kind", "text"), CASES)
def test_each_kind_of_citizens_data_is_recognised(kind, text):
    assert personal_data(text) == kind


@pytest.mark.parametrize("text", POLICY)
def test_what_only_looks_alike_passes(text):
    assert personal_data(text) is None


def test_the_texts_of_the_leidraad_pass_untouched():
    seeds = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if not seeds:
        pytest.skip("shared/seeds is not beside this checkout")
    hits = [(seed.name, line[:80]) for seed in seeds
            for line in seed.read_text(encoding="utf-8").splitlines() if personal_data(line)]
    assert hits == []


@pytest.mark.parametrize(("kind", "text"), CASES)
def test_nothing_of_it_is_stored_in_answers_fields_or_stand(service, store, kind, text):
    chat = Chat(service)
    chat.start()
    [refused] = chat.say(text)
    assert isinstance(refused, Notice) and "niet voor gegevens over inwoners" in refused.text
    gemeente = store.gemeenten.get("utrecht")["id"]
    assert store.answers.current(gemeente) == {}
    for value in ("ontwikkelpunt nieuw", "1", "overslaan", "Meldcode vaker gebruiken", "overslaan",
                  "overslaan", "overslaan", "Anna", "1-3-2027", "Net begonnen"):
        chat.say(value)
    assert "niet voor gegevens over inwoners" in " ".join(
        r.text for r in chat.say(f"wijzig 1 actie {text}") if isinstance(r, Notice))
    assert "niet voor gegevens over inwoners" in " ".join(
        r.text for r in chat.say(f"bijwerken 1 {text}") if isinstance(r, Notice))
    form = FormInput("bijwerken", 1, {"stand_van_zaken": text, "status": "open"})
    anna = console_inbound("Anna", "Utrecht")
    [errors] = service.handle(FormSent(anna.user, anna.place, anna.gemeente, form=form))
    assert isinstance(errors, FormErrors) and "inwoners" in dict(errors.errors)["stand_van_zaken"]
    punt = store.punten.get(gemeente, 1)
    assert punt["verbeteractie"] is None
    assert [e["value"] for e in store.punten.history(punt["id"]) if e["kind"] == "stand"] == ["Net begonnen"]


def test_a_beheerder_allows_the_gemeentes_own_mail_domain_and_only_that(service, store):
    chat = Chat(service)
    chat.start()
    own, other = "Contact: j.jansen@utrecht.nl", "Contact: p.devries@bedrijf.nl"
    assert "niet voor gegevens over inwoners" in chat.say(own)[0].text
    assert "e-maildomein <domein>" in chat.say(own)[0].text  # who can allow it, and how
    for wrong in ("gmail.com", "geendomein", "x" * 200 + ".nl", "co.uk", "gmail.co.uk",
                  "hotmail.be", "ziggo.nl", "nl", "-.nl", "zeelandnet.nl", "wanadoo.nl"):
        assert "geen e-maildomein van een organisatie" in chat.say(f"e-maildomein {wrong}")[0].text
    assert "@utrecht.nl" in chat.say("e-maildomein www.Utrecht.nl")[0].text
    chat.say(own)
    answered = store.answers.current(store.gemeenten.get("utrecht")["id"])
    assert [a["text"] for a in answered.values()] == [own]
    assert personal_data("a@team.utrecht.nl", "utrecht.nl") is None  # a subdomain is the gemeente's
    assert "niet voor gegevens over inwoners" in chat.say(other)[0].text
    chat.say("e-maildomein uit")
    assert personal_data(own) == "email"
    assert "niet voor gegevens over inwoners" in chat.say(own)[0].text


@pytest.mark.parametrize("text", ["Status quo: BSN 111222333", "start met 06-12345678",
                                  "onbekendcommando jan.jansen@gmail.com"])
def test_what_looks_like_a_command_is_never_repeated_or_held_with_citizens_data(service, store, text):
    """Before, the bot asked "Was ‘… 111222333’ je antwoord?", kept the text in the conversation and
    sent it back through the outbox."""
    chat = Chat(service)
    chat.start()
    replies = chat.say(text) + service.handle(console_inbound(command=text))
    assert all("111222333" not in repr(r) and "12345678" not in repr(r) and "gmail" not in repr(r)
               for r in replies)
    assert all("niet voor gegevens over inwoners" in r.text for r in replies)
    for table, column in (("conversations", "held"), ("outbox", "payload")):
        assert all("111222333" not in (value or "") for (value,) in store.db.execute(
            f"SELECT {column} FROM {table}"))


@pytest.mark.parametrize("command", ["koppel 111222333", "regio instellen NL91ABNA0417164300",
                                     "wijzig 111222333", "versies NL91ABNA0417164300",
                                     "e-maildomein 0612345678"])
def test_a_command_whose_arguments_hold_citizens_data_is_refused_before_anything(
        service, store, command):
    """Before, ``koppel 111222333`` made a gemeente of that name; others repeated it back."""
    Chat(service).start()
    gemeenten = store.gemeenten.all()
    [refused] = service.handle(console_inbound(command=command))
    assert "niet voor gegevens over inwoners" in refused.text
    assert not any(digits in refused.text for digits in ("111222333", "0417164300", "12345678"))
    assert store.gemeenten.all() == gemeenten
