# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from .tools.sms_text import SMS_BUDGET

_logger = logging.getLogger(__name__)


def post_init_hook(env):
    """Give every company the shipped régua and plan the open receivables; say
    in the log where an SMS cannot keep to 140 characters (Settings say it too)."""
    companies = env["res.company"].search([])
    if companies.filtered(lambda company: company.country_id.code == "BR"):
        # Before the companies' policies are copied, so the copies carry it too.
        _activate_portuguese(env)
    companies._dunning_ensure_policy()
    env["account.move.line"]._dunning_plan_open_installments()
    for company in companies:
        length, template = company._dunning_sms_worst_case()
        if length > SMS_BUDGET:
            _logger.warning(
                "%s: the SMS %r takes %s characters in the worst case with the base URL %s "
                "(at most %s): shorten the SMS sender or the base URL.",
                company.name,
                template.name,
                length,
                company.get_base_url(),
                SMS_BUDGET,
            )


def _activate_portuguese(env):
    """Brazilian Portuguese, with the installed add-ons' translations, in a
    database set up without it: the régua writes to a customer in Brazil in
    pt_BR (res.partner._dunning_lang) only when the language is installed;
    otherwise they got English ("is due today ... STOP to quit")."""
    if env["res.lang"]._lang_get("pt_BR"):
        return
    _logger.info("Activating Brazilian Portuguese: the régua writes to customers in Brazil in it.")
    env["res.lang"]._activate_lang("pt_BR")
    # Add-ons installed with this one load it themselves once they are loaded.
    modules = env["ir.module.module"].search(
        ["|", ("state", "=", "installed"), ("name", "=", "l10n_br_dunning")]
    )
    modules._update_translations("pt_BR")
