"""The gemeente's own parts of the ontwikkelplan's *Algemene informatie* (Bijlage 3): who is
responsible, the regional and local documents, the lokale aanvullingen. Set and shown in chat;
every version is kept."""

from __future__ import annotations

from datetime import datetime

from bot.core.commands import Choice, Text, command
from bot.core.context import Context
from bot.core.dutch import format_moment
from bot.core.replies import Notice, Reply, Tone
from bot.core.text import typed
from bot.ontwikkelplan.plan import fitting_text

# kind → (the word that names it after ``algemeen``, its heading in Bijlage 3)
PARTS = {
    "portefeuillehouders": ("portefeuillehouders", "Verantwoordelijke portefeuillehouder(s)"),
    "beleidsmedewerkers": ("beleidsmedewerkers", "Verantwoordelijke beleidsmedewerker(s)"),
    "regionaal": ("regionale documenten", "Regionale documenten"),
    "lokaal": ("lokale documenten", "Lokale documenten"),
    "aanvullingen": ("aanvullingen", "Lokale aanvullingen"),
}
PART_WORDS = {word: kind for kind, (word, _) in PARTS.items()} | {
    "portefeuillehouder": "portefeuillehouders", "beleidsmedewerker": "beleidsmedewerkers",
    "regionaal": "regionaal", "lokaal": "lokaal", "lokale aanvullingen": "aanvullingen"}


class GeneralCommands:
    group = "Het ontwikkelplan: algemene informatie"

    @command("algemeen", "algemene informatie", usage="algemeen",
             help="zien wat het ontwikkelplan over de gemeente zelf zegt: portefeuillehouders, "
                  "beleidsmedewerkers, documenten en lokale aanvullingen")
    def show(self, ctx: Context) -> list[Reply]:
        info = ctx.store.punten.info(ctx.gemeente["id"])
        lines = [f"Algemene informatie van het ontwikkelplan van gemeente {ctx.gemeente['naam']}:"]
        for kind, (word, heading) in PARTS.items():
            row = info.get(kind)
            lines.append(f"• {heading}: {row['text']} ({row['author']}, "
                         f"{format_moment(datetime.fromisoformat(row['created_at']))})" if row else
                         f"• {heading}: nog niet ingevuld ({typed(f'algemeen {word} <tekst>')})")
        return [Notice("\n".join(lines))]

    @command("algemeen", args=(Choice("deel", PART_WORDS, invalid=(
                 "‘{word}’ is geen deel van de algemene informatie; kies portefeuillehouders, "
                 "beleidsmedewerkers, regionale documenten, lokale documenten of aanvullingen.")),
                               Text("tekst")),
             usage="algemeen portefeuillehouders <namen>",
             help="een deel van de algemene informatie zetten: portefeuillehouders, "
                  "beleidsmedewerkers, regionale documenten, lokale documenten of aanvullingen "
                  "(de vorige versie blijft bewaard)")
    def set(self, ctx: Context, deel: str, tekst: str) -> list[Reply]:
        heading = PARTS[deel][1]
        text = fitting_text(tekst, f"‘{heading}’", ctx.gemeente.get("mail_domain"))
        before = ctx.store.punten.info(ctx.gemeente["id"]).get(deel)
        if before and before["text"] == text:
            return [Notice(f"{heading}: dat stond er al zo.")]
        ctx.store.punten.set_info(ctx.gemeente["id"], deel, text, ctx.user.id, ctx.at)
        return [Notice(f"{heading} opgeslagen; dit komt in de Algemene informatie van het "
                       "ontwikkelplan (de vorige versie blijft bewaard).", Tone.SUCCESS)]
