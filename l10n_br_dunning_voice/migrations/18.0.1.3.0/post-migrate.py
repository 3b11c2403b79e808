# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api

# What the shipped call script said to someone who answered and pressed no key,
# and what it says now: it promised "{company} will contact you another way",
# which nothing does for such a call; it now gives the number to call back, as
# the machine and someone else hear. Odoo does not overwrite a noupdate record
# nor a translation on upgrade: a text still as shipped is brought to the new
# one here, in each language; a text someone edited is kept.
CORRECTED = {
    "en_US": (
        "We could not hear your answer. {company} will contact you another way. Goodbye.",
        "We could not hear your answer. Please call {company} back on {callback}. Goodbye.",
    ),
    "pt_BR": (
        "Não conseguimos ouvir sua resposta. {company} entrará em contato de outra forma. "
        "Até logo.",
        "Não conseguimos ouvir sua resposta. Por favor, retorne a ligação de {company} no "
        "número {callback}. Até logo.",
    ),
}


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    script = env.ref("l10n_br_dunning_voice.voice_script_overdue", raise_if_not_found=False)
    if not script:
        return
    active = env["res.lang"]._get_active_by("code")
    for lang, (old, new) in CORRECTED.items():
        if lang != "en_US" and lang not in active:
            continue
        translated = script.with_context(lang=lang)
        if translated.goodbye == old:
            translated.goodbye = new
