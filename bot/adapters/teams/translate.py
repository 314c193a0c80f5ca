"""Teams activities in the service's terms: places, people, mentions, timestamps and delivery ids.

Activities arrive as the Teams SDK's typed models (its ``ActivityTypeAdapter`` read them from
the JSON Teams sends). Everything here is pure.

- A personal chat is a direct message (``teams:<tenant>:<conversation id>``).
- A team channel is a channel (``teams:<tenant>:<channel id>``); a reply chain under a post is a
  thread of it (``…:<id of the post>``), like Slack's threads.
- A group chat has no reply chains: the whole chat is one thread of itself.
- People are ``teams:<tenant>:<Entra object id>``, the id the people picker and Graph use; a
  mention names someone by their Teams id (``29:…``) until the platform has looked them up.
"""

from __future__ import annotations

import html
import logging
import re
from urllib.parse import urlsplit

from microsoft_teams.api import (
    ActivityBase,
    AdaptiveCardInvokeActivity,
    FileConsentInvokeActivity,
    MentionEntity,
    MessageActivity,
    MessageUpdateActivity,
    TaskFetchInvokeActivity,
    TaskSubmitInvokeActivity,
)

from bot.adapters.seal import Seal
from bot.core.messages import (
    Command,
    Declined,
    Edited,
    FormInput,
    FormSent,
    Inbound,
    Opened,
    Place,
    PlaceKind,
    Reached,
    Said,
    User,
    Viewed,
    timestamp_key,
)
from bot.core.text import whole_number
from bot.render.teams import FORM, OFFER, VERB, VIEW

log = logging.getLogger(__name__)

Activity = ActivityBase  # any activity: where it came from and who sent it are on every kind

_ENTRA_ID = re.compile(r"[0-9a-zA-Z-]{1,64}")  # an object id as the people picker gives it

GROUP_CHAT = "chat"  # the thread that a whole group chat is
_BREAKS = re.compile(r"<br\s*/?>|</(p|div|li|h[1-6])>", re.IGNORECASE)
_TAGS = re.compile(r"</?(p|div|span|b|i|u|s|em|strong|ul|ol|li|pre|code|font|h[1-6])(\s[^>]*)?>",
                   re.IGNORECASE)


def tenant_of(activity: Activity) -> str:
    data = activity.channel_data
    return (activity.conversation.tenant_id
            or (data.tenant.id if data and data.tenant else None) or "")


def person(activity: Activity) -> User:
    """Who sent the activity, by their Entra object id (their Teams id when Teams gave none)."""
    sender = activity.from_
    return User(f"teams:{tenant_of(activity)}:{sender.aad_object_id or sender.id or ''}",
                sender.name or "iemand")


def channel_key(activity: Activity) -> str:
    """The channel (or chat) an activity belongs to, as a place id."""
    data = activity.channel_data
    channel = data.channel.id if data and data.channel else None
    return f"teams:{tenant_of(activity)}:{channel or activity.conversation.id.split(';', 1)[0]}"


def _kind(activity: Activity) -> str:
    return activity.conversation.conversation_type or "personal"


def place_of(activity: Activity) -> Place:
    conversation, kind = activity.conversation, _kind(activity)
    if kind == "personal":
        return Place(PlaceKind.DIRECT, f"teams:{tenant_of(activity)}:{conversation.id}")
    key = channel_key(activity)
    if kind == "groupChat":
        return Place(PlaceKind.THREAD, f"{key}:{GROUP_CHAT}", channel=key)
    root = _post(conversation.id)
    if root and root != activity.id:
        return Place(PlaceKind.THREAD, f"{key}:{root}", channel=key)
    return Place(PlaceKind.CHANNEL, key, channel=key)


def _post(conversation_id: str) -> str | None:
    """The post a channel conversation id points into (``19:…@thread.tacv2;messageid=17…``)."""
    match = re.search(r";messageid=(\d+)", conversation_id)
    return match.group(1) if match else None


def route(activity: Activity, place: Place | None = None) -> dict:
    """What the platform needs to answer: where (the service URL and conversation), and the
    channel and post for a reply chain (of ``place``, the activity's, when it is known)."""
    place = place or place_of(activity)
    thread = place.id.rsplit(":", 1)[1] if place.kind is PlaceKind.THREAD else None
    return {"service_url": activity.service_url or "", "conversation": activity.conversation.id,
            "channel": channel_key(activity).split(":", 2)[2], "thread": thread,
            "tenant": tenant_of(activity), "bot": activity.recipient.id or "",
            "teams_id": activity.from_.id or "", "kind": _kind(activity)}


def _arrival(activity: Activity) -> tuple[User, Place, dict]:
    """Who sent the activity, where, and how to answer there: each worked out once."""
    place = place_of(activity)
    return person(activity), place, route(activity, place)


def with_mentions(activity: MessageActivity | MessageUpdateActivity
                  ) -> tuple[str, tuple[User, ...], bool]:
    """The text as the service reads it, the people named in it, and whether it names the bot.

    Teams writes a mention as ``<at>Name</at>`` with an entity saying who it is: the bot's own goes,
    a person's becomes ``<@teams:<tenant>:<29:… id>>`` (the service's way of naming them)."""
    text, bot, tenant = activity.text or "", activity.recipient.id, tenant_of(activity)
    named: dict[str, User] = {}
    addressed = False
    for entity in activity.entities or ():
        if not isinstance(entity, MentionEntity) or not entity.text or not entity.mentioned.id:
            continue
        mentioned = entity.mentioned
        if mentioned.id == bot:  # "@Leidraadbot: voortgang" is "voortgang"
            addressed = True
            text = re.sub(re.escape(entity.text) + r"\s*[:,;]?", " ", text)
        else:
            user = named.setdefault(mentioned.id, User(f"teams:{tenant}:{mentioned.id}",
                                                       mentioned.name or "iemand"))
            text = text.replace(entity.text, f"<@{user.id}>")
    text = re.sub(r"</?at>", "", text).replace("&nbsp;", " ").replace("\u00a0", " ")
    if getattr(activity, "text_format", None) == "xml":  # plain text as Teams writes; HTML from a client
        text = html.unescape(_TAGS.sub("", _BREAKS.sub("\n", text)))
    text = "\n".join(" ".join(line.split()) for line in text.splitlines()).strip()
    return text, tuple(named.values()), addressed


def sent_at(activity: Activity) -> str:
    return timestamp_key(activity.timestamp) if activity.timestamp else ""


def delivery_id(activity: Activity) -> str:
    """One id per Teams activity, whichever retry delivers it."""
    return f"teams:{tenant_of(activity)}:{activity.conversation.id}:{activity.id or ''}"


# --- activities -----------------------------------------------------------------------------------

def message(activity: MessageActivity) -> Inbound | None:
    """A message, or a click on a card's button (which Teams sends as a message with a value).
    None for a new post in a channel that does not name the bot: with ``ChannelMessage.Read.Group``
    Teams delivers every post, and those are not for us."""
    value, (who, place, answer) = activity.value, _arrival(activity)
    base = {"delivery_id": delivery_id(activity), "sent_at": sent_at(activity),
            "route": answer, "forms": True}  # a form opens from a card's button
    if isinstance(value, dict) and "cmd" in value:
        return Said(who, place, text=str(value["cmd"]),
                    expects=value.get("q"), addressed=True, **base)  # the bot's own button
    text, mentions, addressed = with_mentions(activity)
    files = sum(1 for a in activity.attachments or ()
                if a.content_type == "application/vnd.microsoft.teams.file.download.info")
    if place.kind is PlaceKind.CHANNEL:  # a new post that names the bot: a command, answered below it
        return Command(who, place, text=text, mentions=mentions, **base) if addressed else None
    return Said(who, place, text=text, mentions=mentions, addressed=addressed, files=files, **base)


def executed(activity: AdaptiveCardInvokeActivity) -> Inbound | None:
    """A click on a question's button (a Universal Action, ``Action.Execute``): as the message a
    button sent before, for the question it was shown with; or Teams asking for a question's card
    as it is for this reader (``refresh``). None for a verb that is not ours."""
    action = activity.value.action
    data = action.data or {}
    who, place, answer = _arrival(activity)
    if action.verb == VIEW and data.get("q"):  # Teams asks for the card as it is for this reader
        return Viewed(who, place, question_id=str(data["q"]), route=answer)
    if action.verb != VERB or "cmd" not in data:
        return None
    return Said(who, place, text=str(data["cmd"]), expects=data.get("q"), addressed=True,
                delivery_id=delivery_id(activity), sent_at=sent_at(activity), route=answer, forms=True)


def edit(activity: MessageUpdateActivity) -> Inbound:
    """A message whose text was changed (``messageUpdate`` with ``editMessage``; its ``id`` is the
    message's own): the new text, for the message it was."""
    text, mentions, addressed = with_mentions(activity)
    original, (who, place, answer) = delivery_id(activity), _arrival(activity)
    return Edited(who, place, text=text, mentions=mentions, addressed=addressed, edits=original,
                  delivery_id=f"{original}:bewerkt:{_stamp(activity)}",
                  sent_at=sent_at(activity), route=answer)


def _data(activity: TaskFetchInvokeActivity | TaskSubmitInvokeActivity) -> dict:
    """What a dialog's button or submit carries (its card's data)."""
    data = activity.value.data if activity.value else None
    return dict(data) if isinstance(data, dict) else {}


def form_opened(activity: TaskFetchInvokeActivity | TaskSubmitInvokeActivity) -> Inbound:
    """A button that opens the ontwikkelpunt dialog (``task/fetch``): the command it stands for."""
    data = _data(activity)
    kind, nummer = data.get(FORM), number(data.get("nummer"))
    command = (f"bijwerken {nummer or ''}".strip() if kind == "bijwerken" else
               f"afmaken {nummer}" if nummer else "ontwikkelpunt nieuw")
    who, place, answer = _arrival(activity)
    return Command(who, place, data.get("gemeente") or None, text=command, forms=True, route=answer)


def form_submitted(activity: TaskSubmitInvokeActivity) -> Inbound:
    """The ontwikkelpunt dialog sent (``task/submit``): its fields, the person picked as ``wie``."""
    data = _data(activity)
    kind, gemeente = data.pop(FORM, "nieuw"), data.pop("gemeente", "")
    nummer = number(data.pop("nummer", None))
    as_of = str(data.pop("as_of", "") or "")  # when the dialog was opened: what it showed
    data.pop("msteams", None)
    data.pop("action", None)
    values = {k: str(v) for k, v in data.items() if v is not None}
    mentions: tuple[User, ...] = ()
    if _ENTRA_ID.fullmatch(values.get("wie", "")):  # the people picker's choice; else a name typed
        picked = User(f"teams:{tenant_of(activity)}:{values['wie']}", values["wie"])
        values["wie"], mentions = f"<@{picked.id}>", (picked,)
    who, place, answer = _arrival(activity)
    return FormSent(who, place, gemeente or None, mentions=mentions,
                    form=FormInput(kind, nummer, values, as_of),
                    delivery_id=f"{delivery_id(activity)}:formulier", route=answer)


def number(value) -> int | None:
    """An ontwikkelpunt's number as a card gives it back (``3`` or ``"3"``), or None for anything
    else: a value that came back changed never becomes part of a command."""
    return whole_number(str(value).strip()) if value is not None else None


def installed(activity: Activity) -> Inbound:
    """The bot was added to a team, a chat or someone's personal apps: the welcome."""
    who, place, answer = _arrival(activity)
    return Opened(who, place, delivery_id=delivery_id(activity), sent_at=sent_at(activity),
                  route=answer)


def reached(activity: Activity) -> Inbound:
    """The bot was installed or updated here (``installationUpdate``): how to reach the place
    and the person is kept, in the worker; the welcome comes with the conversation update."""
    who, place, answer = _arrival(activity)
    return Reached(who, place, delivery_id=delivery_id(activity), sent_at=sent_at(activity),
                   route=answer)


NOT_OFFERED = ("Dit bestand heb ik je niet aangeboden, of het aanbod is niet meer geldig; er is "
               "niets geüpload. Vraag de export opnieuw, bijvoorbeeld met ‘export docx’.")
NOT_ONEDRIVE = ("Teams gaf voor dit bestand een plek op die niet bij OneDrive hoort; daar zet ik "
                "niets neer. Er is niets geüpload. Vraag de export opnieuw.")


def file_answered(activity: FileConsentInvokeActivity, seal: Seal, local: bool = False
                  ) -> Inbound | None:
    """The answer to a file offered in the personal chat: accepted, the export it was, to upload
    where Teams says (``uploadInfo``). None when it was declined. An acceptance that answers no
    offer the bot made to this person, or names a place to upload to that is not OneDrive's (on
    this machine only, ``local``, a local one), uploads nothing: the person hears why."""
    value, (who, place, answer) = activity.value, _arrival(activity)
    upload, context = value.upload_info, value.context
    context = seal.open(OFFER, who.id, context.get("verzegeld") if isinstance(context, dict) else None)
    if value.action != "accept":
        return None
    common = {"delivery_id": delivery_id(activity), "sent_at": sent_at(activity), "route": answer}
    if context is None:
        log.warning("a file acceptance that answers no offer of the bot's was refused")
        return Declined(who, place, reason=NOT_OFFERED, **common)
    if (upload is None or not all((upload.upload_url, upload.content_url, upload.name))
            or not all(_onedrive(url, local) for url in (upload.upload_url, upload.content_url))):
        log.warning("a file acceptance whose upload address is not OneDrive's was refused")
        return Declined(who, place, reason=NOT_ONEDRIVE, **common)
    return Command(who, place, context.get("gemeente") or None,
                   text=f"export {context.get('format', 'docx')}", forms=True,
                   delivery_id=f"teams:{tenant_of(activity)}:aanbod:{context.get('offer', '')}",
                   sent_at=sent_at(activity),
                   route=answer | {"upload": upload.model_dump(by_alias=True, mode="json")})


def _stamp(activity: Activity) -> str:
    """The activity's timestamp as the SDK writes it in JSON."""
    return activity.model_dump(mode="json", include={"timestamp"}).get("timestamp") or ""


def _onedrive(url: str, local: bool) -> bool:
    """Whether ``url`` is where Teams has a bot put a file: OneDrive for Business (SharePoint) over
    https; trying on this machine only, a local address."""
    parts = urlsplit(url)
    host = (parts.hostname or "").casefold()
    if local and parts.scheme in ("http", "https") and host in ("127.0.0.1", "localhost", "::1"):
        return True
    return parts.scheme == "https" and (host == "sharepoint.com" or host.endswith(".sharepoint.com"))
