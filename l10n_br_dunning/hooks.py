# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from .tools.sms_text import SMS_BUDGET

_logger = logging.getLogger(__name__)


def post_init_hook(env):
    """Give every company the shipped régua and plan the open receivables; say
    in the log where an SMS cannot keep to 140 characters (Settings say it too)."""
    companies = env["res.company"].search([])
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
