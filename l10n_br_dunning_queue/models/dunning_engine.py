# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import LazyTranslate

from odoo.addons.l10n_br_dunning.models.dunning_context import to_utc
from odoo.addons.queue_job.job import identity_exact

_lt = LazyTranslate(__name__)
# What each pass of a run does, as job descriptions say it.
PASS_LABELS = {
    "due": _lt("reminders due"),
    "deferred": _lt("deferred reminders"),
    "thanks": _lt("thank-you e-mails"),
}


class DunningEngine(models.AbstractModel):
    _inherit = "dunning.engine"

    @api.model
    def _run_batches(self, kind, now, batch_size, done=0):
        """Within the scheduled action, enqueue each batch as a job on root.dunning
        instead of running it.

        The scheduled action then only selects (one indexed query per batch);
        the job runners of every Odoo server sharing the database do the work.
        A batch already waiting in the queue is not enqueued twice. Called
        outside a scheduled action (a script, a test, a benchmark), or with
        ``dunning_run_in_place`` in the context, the run happens in place.
        """
        if not self.env.context.get("cron_id") or self.env.context.get("dunning_run_in_place"):
            return super()._run_batches(kind, now, batch_size, done)
        for candidates in self._candidate_batches(kind, now, batch_size):
            self.with_delay(
                description=self.env._(
                    "Régua de cobrança, %(what)s: %(count)s customers",
                    what=self.env._(PASS_LABELS[kind]),
                    count=len(candidates),
                ),
                identity_key=identity_exact,
            )._dunning_job(kind, candidates)
            done += len(candidates)
        return done

    @api.model
    def _dunning_job(self, kind, partner_ids):
        """One batch of the régua, at the moment the job runs (the sending window
        is that of the real sending time)."""
        now = to_utc(fields.Datetime.now())
        handled = self._run_batch(kind, partner_ids, now)
        self._wake_queues()
        return f"{len(handled)} of {len(partner_ids)} customers handled"
