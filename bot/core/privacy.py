"""Citizens' personal data does not belong in Leidraadbot. The Leidraad is about a gemeente's
policy and organisation, never about cases; what people type is checked before it is stored, and
text that looks like a citizen's data is refused with the reason, so it can be said without it.

What is looked for: a BSN (nine digits that pass the elfproef), an IBAN (its check digits), a
Dutch mobile or fixed-line phone number (not 0800 and the like), an e-mail address (except at the
national bodies the Leidraad itself names, and at the gemeente's own domain once a beheerder
allows it), a date of birth (a date after "geboren" and the like, or in brackets after a name),
and a postcode with a house number.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from bot.core.text import typed

_NINE_DIGITS = re.compile(r"(?<![\d.,])\d{3}[ .-]?\d{3}[ .-]?\d{3}(?![\d,]|\.\d)")
_IBAN_START = re.compile(r"\b[A-Z]{2}\d{2}", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)", re.IGNORECASE)
_DATE = (r"\d{1,2}[-/.]\d{1,2}[-/.](?:19|20)\d{2}|\d{1,2} [a-z]+ (?:19|20)\d{2}"
         r"|(?:19|20)\d{2}-\d{1,2}-\d{1,2}")
_BIRTH = re.compile(rf"\b(?:geboren|geb\.|geboortedatum|geboortedag)\D{{0,20}}"
                    rf"(?:{_DATE}|\d{{1,2}}[-/.]\d{{1,2}}[-/.]\d{{2}}\b)"
                    rf"|(?:{_DATE})\D{{0,10}}\bgeboren\b", re.IGNORECASE)
_NAME_WITH_DATE = re.compile(rf"\b[A-Z][a-z]+(?: [a-z]{{1,3}})?(?: [A-Z][a-z]+)* \((?:{_DATE})\)")
_POSTCODE_AND_NUMBER = re.compile(
    r"\b[a-zA-Z][a-z]+(?:straat|laan|weg|plein|gracht|kade|singel|dijk|hof|pad|steeg|park)"
    r" \d{1,4}\s?[a-zA-Z]?\b.{0,30}\b[1-9]\d{3} ?[A-Z]{2}\b"
    r"|\b[1-9]\d{3} ?[A-Z]{2}\b,? (?:huisnummer |nr\.? )?\d{1,4}[a-zA-Z]?\b")



@cache
def _someones() -> frozenset:
    """The kinds of phone number that are someone's own (not 0800 and the like). phonenumbers and
    stdnum are loaded the first time a text has the digits they are needed for, not at start-up."""
    import phonenumbers

    kinds = phonenumbers.PhoneNumberType
    return frozenset({kinds.MOBILE, kinds.FIXED_LINE, kinds.FIXED_LINE_OR_MOBILE,
                      kinds.PERSONAL_NUMBER})

# The national bodies whose addresses the Leidraad itself gives (its programme, the VNG, the
# ministries): those are no one's private data.
PUBLIC_MAIL = frozenset({"vng.nl", "geweldnergensthuis.nl", "rijksoverheid.nl", "minjenv.nl",
                         "minvws.nl", "minbzk.nl", "minocw.nl", "minszw.nl"})
# Where people in the Netherlands have their own e-mail (the free and internet providers, now and
# before): never a gemeente's own domain.
PRIVATE_MAIL = frozenset({
    "gmail.com", "gmail.nl", "googlemail.com", "hotmail.com", "hotmail.nl", "outlook.com",
    "outlook.nl", "live.com", "live.nl", "msn.com", "msn.nl", "yahoo.com", "yahoo.nl", "icloud.com",
    "me.com", "mac.com", "aol.com", "protonmail.com", "proton.me", "gmx.com", "gmx.net", "gmx.nl",
    "ziggo.nl", "upcmail.nl", "chello.nl", "casema.nl", "home.nl", "planet.nl", "hetnet.nl",
    "kpnmail.nl", "kpnplanet.nl", "xs4all.nl", "telfort.nl", "tele2.nl", "online.nl",
    "quicknet.nl", "zeelandnet.nl", "solcon.nl", "caiway.nl", "delta.nl", "kabelfoon.nl",
    "onsbrabantnet.nl", "hccnet.nl", "wanadoo.nl", "freeler.nl", "zonnet.nl", "tiscali.nl",
    "versatel.nl", "lycos.nl", "mail.com", "t-mobilethuis.nl",
})

KINDS = {"bsn": "een burgerservicenummer", "iban": "een rekeningnummer (IBAN)",
         "telefoon": "een telefoonnummer", "email": "een e-mailadres",
         "geboortedatum": "een geboortedatum", "adres": "een adres (postcode met huisnummer)"}


def personal_data(text: str, own_domain: str | None = None) -> str | None:
    """The kind of citizen's personal data ``text`` seems to hold (a key of ``KINDS``), or None;
    e-mail addresses at ``own_domain`` (the gemeente's, allowed by a beheerder) are fine. Each kind
    is only looked for when the text has the digits (or the @) it needs: most answers have few,
    and cost next to nothing."""
    digits = sum(map(str.isdigit, text))
    if digits >= 9:  # a BSN has nine, an IBAN and a phone number more
        import phonenumbers
        from stdnum.nl import bsn

        if any(bsn.is_valid(re.sub(r"\D", "", m.group())) for m in _NINE_DIGITS.finditer(text)):
            return "bsn"
        if _has_iban(text):
            return "iban"
        for match in phonenumbers.PhoneNumberMatcher(text, "NL", leniency=phonenumbers.Leniency.VALID):
            if phonenumbers.number_type(match.number) in _someones():  # not 0800 and the like
                return "telefoon"
    allowed = PUBLIC_MAIL | ({own_domain} if own_domain else set())
    folded = unicodedata.normalize("NFKC", text)  # a full-width ＠ is an @
    if "@" in folded and not all(_within(m.group(1).casefold().rstrip("."), allowed)
                                 for m in _EMAIL.finditer(folded)):
        return "email"
    if digits >= 5:  # a date has five or more, a postcode with a house number too
        if _BIRTH.search(text) or _NAME_WITH_DATE.search(text):
            return "geboortedatum"
        if _POSTCODE_AND_NUMBER.search(text):
            return "adres"
    return None


def _has_iban(text: str) -> bool:
    """Whether an IBAN starts somewhere in ``text``: two letters and two digits, then letters and
    digits (in groups, with spaces or hyphens between) whose check digits fit, whatever follows."""
    from stdnum import iban

    for start in _IBAN_START.finditer(text):
        run = re.match(r"[A-Za-z0-9]*", re.sub(r"[ -]", "", text[start.start():start.start() + 50]))
        if any(iban.is_valid(run.group()[:length]) for length in range(15, min(len(run.group()), 34) + 1)):
            return True
    return False


def _within(domain: str, allowed: set[str]) -> bool:
    """Whether ``domain`` is one of ``allowed`` or under one (``utrecht.nl``, ``mail.utrecht.nl``)."""
    return any(domain == ok or domain.endswith("." + ok) for ok in allowed)


def mail_domain(text: str) -> str | None:
    """A gemeente's domain as a beheerder types it (``utrecht.nl``, ``@utrecht.nl``): Dutch (.nl,
    .frl); None for text that is no such domain, or one where people have their own e-mail."""
    domain = text.strip().lstrip("@").casefold().rstrip(".").removeprefix("www.")
    label = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
    if len(domain) > 100 or not re.fullmatch(rf"(?:{label}\.)+(?:nl|frl)", domain):  # a gemeente's
        return None
    return None if _within(domain, set(PRIVATE_MAIL)) else domain


def refusal(kind: str, what: str) -> str:
    """Why ``what`` (‘dit antwoord’, ‘de stand van zaken’) is not stored, in Dutch."""
    own = (" Een e-mailadres van de eigen gemeente kan een beheerder toestaan met "
           f"{typed('e-maildomein <domein>')}." if kind == "email" else "")
    return (f"Er is niets opgeslagen: {what} lijkt {KINDS[kind]} te bevatten. Leidraadbot is voor "
            "het beleid en de organisatie van de gemeente, niet voor gegevens over inwoners of "
            "casussen. Schrijf het zonder persoonsgegevens, bijvoorbeeld ‘de contactpersoon van "
            f"Veilig Thuis’ in plaats van een naam of nummer.{own}")
