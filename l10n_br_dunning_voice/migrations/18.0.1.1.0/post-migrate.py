# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api

# The Portuguese the shipped call script said before (a company's name after
# "da" genders it: "ligação da Irmãos D'Ávila"), and what it says now. Odoo
# does not overwrite a translation on upgrade: a text still as shipped is
# brought to the new one here; a text someone edited is kept.
CORRECTED = {
    "greeting": (
        "Esta é uma ligação da {company} para {customer}. Se for {first_name}, tecle 1. "
        "Se não for, tecle 2.",
        "Esta é uma ligação de {company} para {customer}. Se for {first_name}, tecle 1. "
        "Se não for, tecle 2.",
    ),
    "machine": (
        "Esta é uma ligação da {company}. Por favor, retorne para {callback}. Obrigado.",
        "Esta é uma ligação de {company}. Por favor, retorne para {callback}. Obrigado.",
    ),
    "other_person": (
        "Obrigado. Por favor, peça para {first_name} retornar a ligação da {company} no "
        "número {callback}. Até logo.",
        "Obrigado. Por favor, peça para {first_name} retornar a ligação de {company} no "
        "número {callback}. Até logo.",
    ),
    "goodbye": (
        "Não conseguimos ouvir sua resposta. A {company} entrará em contato de outra forma. "
        "Até logo.",
        "Não conseguimos ouvir sua resposta. {company} entrará em contato de outra forma. "
        "Até logo.",
    ),
    "single_step": (
        "Esta é uma ligação da {company} para {customer}. Se for {first_name}, tecle 1 para "
        "receber uma mensagem com as informações. Se não for, peça para {first_name} "
        "retornar para {callback}.",
        "Esta é uma ligação de {company} para {customer}. Se for {first_name}, tecle 1 para "
        "receber uma mensagem com as informações. Se não for, peça para {first_name} "
        "retornar para {callback}.",
    ),
}


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    script = env.ref("l10n_br_dunning_voice.voice_script_overdue", raise_if_not_found=False)
    if not script or "pt_BR" not in env["res.lang"]._get_active_by("code"):
        return
    portuguese = script.with_context(lang="pt_BR")
    for field, (old, new) in CORRECTED.items():
        if portuguese[field] == old:
            portuguese[field] = new
