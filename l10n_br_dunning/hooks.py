# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).


def post_init_hook(env):
    """Give every company the shipped régua and plan the open receivables."""
    env["res.company"].search([])._dunning_ensure_policy()
    env["account.move.line"]._dunning_plan_open_installments()
