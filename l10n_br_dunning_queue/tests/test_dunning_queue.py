# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.l10n_br_dunning.tests.common import DunningCase
from odoo.addons.queue_job.job import Job


@tagged("post_install", "-at_install")
class TestDunningQueue(DunningCase):
    def _scheduled_run(self, **kwargs):
        """As ir.cron calls it: with the job's id in the context."""
        cron = self.env.ref("l10n_br_dunning.ir_cron_dunning_run")
        self.env["dunning.engine"].sudo().with_context(cron_id=cron.id)._cron_run(**kwargs)

    def _jobs(self):
        return self.env["queue.job"].sudo().search([("method_name", "=", "_dunning_job")])

    def _perform(self, jobs):
        # The job function allows commits: queue_job runs it on a cursor of its
        # own (registry.cursor()), here the test's transaction.
        self.registry.enter_test_mode(self.cr)
        try:
            return [Job.load(self.env(su=True), job.uuid).perform() for job in jobs]
        finally:
            self.registry.leave_test_mode()

    def test_the_run_becomes_jobs_on_the_dunning_channel(self):
        moves = self._invoice(self.sp, date(2026, 12, 10)) | self._invoice(
            self.rj, date(2026, 12, 10)
        )
        at = datetime(2026, 12, 15, 12, 30)
        with freeze_time(at):
            self._scheduled_run(batch_size=1)
            # The scheduled action only selected: one job per batch, nothing sent yet.
            self.assertFalse(self._events(moves))
            jobs = self._jobs()
            self.assertEqual(len(jobs), 2)
            self.assertEqual(set(jobs.mapped("channel")), {"root.dunning"})
            # A second run while they wait enqueues nothing more.
            self._scheduled_run(batch_size=1)
            self.assertEqual(self._jobs(), jobs)
            self._perform(jobs)
        for move in moves:
            sent = self._events(move, state="queued").mapped("channel")
            self.assertEqual(sorted(sent), ["email", "sms"], move.partner_id.name)

    def test_jobs_are_a_no_op_for_what_another_worker_did(self):
        move = self._invoice(self.sp, date(2026, 12, 10))
        at = datetime(2026, 12, 15, 12, 30)
        with freeze_time(at):
            self._scheduled_run()
            # Meanwhile someone ran the régua in place (a script, "Run manually").
            self.env["dunning.engine"].sudo()._cron_run()
            self._perform(self._jobs())
        sent = self._events(move, state="queued").mapped("channel")
        self.assertEqual(sorted(sent), ["email", "sms"], "each reminder once")
