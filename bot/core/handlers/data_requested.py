"""data_requested: "my data" — show or export what is stored, or erase the contact."""

from bot.core import privacy
from bot.core.handlers import handles
from bot.core.scene import Scene
from bot.db.repos import privacy as repo
from content.catalog import BASE_LANG, LANGS
from flows.events import DataRequested, MsgCreated


@handles(DataRequested)
def data_requested(scene: Scene, event: DataRequested) -> None:
    contact, catalog = scene.contact, scene.env.catalog
    lang = contact.lang if contact.lang in LANGS else BASE_LANG
    if event.op == "delete":
        repo.erase_contact(scene.conn, contact.id, tz=scene.programme.tz)
        scene.erased = True
        scene.replies.append(MsgCreated(catalog.text("mydata.deleted", lang), lang))
        return
    data = repo.stored_data(scene.conn, contact.id, contact.fields)
    if event.op == "export":
        history = repo.message_history(scene.conn, contact.id)
        text = privacy.export_text(
            catalog,
            lang,
            data,
            contact.consent,
            history,
            scene.now,
            scene.programme.tz,
            scene.env.journeys,
        )
    else:
        text = privacy.summary_text(catalog, lang, data, contact.consent)
    scene.replies.append(MsgCreated(text, lang))
