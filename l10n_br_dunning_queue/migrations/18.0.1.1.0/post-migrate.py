# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """The régua's job commits each batch (dunning.engine._run_batch): without
    "Allow Commit" queue_job failed every one of them. The job function is
    noupdate data, so databases installed before get the option here."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    function = env.ref(
        "l10n_br_dunning_queue.queue_job_function_dunning_job", raise_if_not_found=False
    )
    if function:
        function.allow_commit = True
