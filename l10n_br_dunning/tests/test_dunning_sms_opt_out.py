# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""SMS opt-outs are per company, as WhatsApp's consent, calls' "no more
calls" and e-mail reminders are: a customer who answered "SAIR" to one company
(or asked it on its portal page) still gets the other companies' SMS. Over the
SMS gateway's real inbound webhook and the portal's real preferences page."""

import re
from datetime import date, datetime

from freezegun import freeze_time
from lxml import html as lxml_html

from odoo.tests import HttpCase, tagged

from odoo.addons.sms_gateway.tests.common import StandInMixin

from .common import DunningCase

DUE = date(2026, 12, 10)
D3_RUN = datetime(2026, 12, 15, 15, 0)  # Tuesday, noon in São Paulo
REPLY_AT = datetime(2026, 12, 15, 14, 0)
NUMBER = "+5511987654321"
OPTED_OUT = "The customer opted out of SMS."


@tagged("post_install", "-at_install")
class TestDunningSmsOptOut(StandInMixin, DunningCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("web.base.url", cls.base_url())
        cls.gateway.is_default = False
        cls.zenvia = cls._create_gateway("zenvia", company_id=cls.company.id, is_default=True)
        cls.other = cls._branch(
            "Gráfica Boa Vista",
            "base.state_br_sp",
            "Rua B, 1",
            "São Paulo",
            "11.222.333/0001-81",
            "cobranca@boavista.example",
        )
        cls.env["sms.gateway"].create(
            {"name": "Log B", "provider": "log", "company_id": cls.other.id}
        )
        cls.move_a = cls._invoice(cls.sp, DUE)
        cls.move_b = cls._invoice(cls.sp, DUE, company=cls.other)

    def _reply(self, text):
        self._zenvia_reply(self.zenvia, text, REPLY_AT)

    def _sms_events(self, move):
        """The SMS the run decided for ``move`` (the stage of the day; earlier
        ones are superseded)."""
        events = self._events(move, channel="sms").filtered(lambda e: e.state != "superseded")
        self.assertTrue(events)
        return events

    def _opt_outs(self):
        return self.env["sms.opt.out"].search([("number", "=", NUMBER)])

    def test_sair_to_one_company_stops_its_sms_only(self):
        self._reply("SAIR")
        opt_out = self._opt_outs()
        self.assertEqual((opt_out.company_id, opt_out.source), (self.company, "reply"))
        self.assertFalse(self.env["phone.blacklist"].search([("number", "=", NUMBER)]))
        self._run(D3_RUN)
        sms_a = self._sms_events(self.move_a)
        self.assertEqual(sms_a.mapped("state"), ["skipped"] * len(sms_a))
        self.assertEqual(set(sms_a.mapped("reason")), {OPTED_OUT})
        sms_b = self._sms_events(self.move_b)
        self.assertEqual(sms_b.mapped("state"), ["queued"] * len(sms_b), sms_b.mapped("reason"))
        # Not only the régua's: company A's gateway sends the number no SMS at
        # all; company B's still does.
        with freeze_time(D3_RUN):
            refused = self.sp.with_company(self.company)._message_sms("Promoção de Natal")
            sent = self.sp.with_company(self.other)._message_sms("Promoção de Natal")
        self.assertEqual(refused.notification_ids.failure_type, "sms_blacklist")
        self.assertIn("no more SMS", refused.notification_ids.failure_reason)
        self.assertEqual(sent.notification_ids.notification_status, "pending")

    def test_the_global_blacklist_still_stops_every_company(self):
        self.env["phone.blacklist"].sudo()._add([NUMBER])
        self._run(D3_RUN)
        for move in self.move_a | self.move_b:
            self.assertEqual(set(self._sms_events(move).mapped("reason")), {OPTED_OUT})

    def _save_preferences(self, move, **data):
        move._portal_ensure_token()
        url = f"/my/invoices/{move.id}/dunning/preferences?access_token={move.access_token}"
        with freeze_time(REPLY_AT):
            html = self.url_open(url).text
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
            values = {"channel": "any", "hours": "any", "mobile": "", "csrf_token": csrf, **data}
            response = self.url_open(url, data=values)
        self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()
        return response

    def test_the_sms_box_names_the_company_whose_sms_it_stops(self):
        """The box read "Do not send me SMS" while it stops only the SMS of the
        invoice's company (the other company's went on, test below): a
        customer of both thought every SMS would stop. Like the e-mail box
        under it, it now names the company, in the customer's language."""
        self._load_portuguese()
        self.sp.lang = "pt_BR"
        token = self.move_b._portal_ensure_token()
        url = f"/my/invoices/{self.move_b.id}/dunning/preferences?access_token={token}"
        with freeze_time(REPLY_AT):
            tree = lxml_html.fromstring(self.url_open(url).content)
        label = tree.xpath("//label[@for='dunning_sms_opt_out']")[0]
        self.assertEqual(
            " ".join(label.text_content().split()), "Não quero receber SMS de Gráfica Boa Vista"
        )

    def test_the_portals_sms_opt_out_is_the_invoices_company(self):
        """ "Do not send me SMS" on company A's invoice stops A's SMS, not B's;
        the box shows it on A's page only. Unticked again, A's SMS resume, and
        a global blacklist entry is lifted too, as before."""
        mobile = self.sp.mobile
        self._save_preferences(self.move_a, sms_opt_out="1")
        self.assertEqual(self.sp.mobile, mobile, "the number on file is kept")
        opt_out = self._opt_outs()
        self.assertEqual(
            (opt_out.company_id, opt_out.source, opt_out.partner_id),
            (self.company, "portal", self.sp),
        )
        self.assertTrue(self.sp._dunning_sms_opted_out(self.company))
        self.assertFalse(self.sp._dunning_sms_opted_out(self.other))
        checked = 'id="dunning_sms_opt_out" name="sms_opt_out" value="1" checked'
        with freeze_time(REPLY_AT):
            page_a = self.url_open(
                f"/my/invoices/{self.move_a.id}/dunning/preferences"
                f"?access_token={self.move_a.access_token}"
            ).text
            page_b = self.url_open(
                f"/my/invoices/{self.move_b.id}/dunning/preferences"
                f"?access_token={self.move_b._portal_ensure_token()}"
            ).text
        self.assertIn(checked, page_a)
        self.assertNotIn(checked, page_b)
        self._run(D3_RUN)
        self.assertEqual(set(self._sms_events(self.move_a).mapped("reason")), {OPTED_OUT})
        self.assertEqual(set(self._sms_events(self.move_b).mapped("state")), {"queued"})
        # Opting back in on A's page.
        self.env["phone.blacklist"].sudo()._add([NUMBER])
        asked = self._save_preferences(self.move_a)
        self.assertIn("o_dunning_code_step", asked.text, "turning SMS back on by link: a code")
        self.assertTrue(self._opt_outs())
        with freeze_time(REPLY_AT):
            code = self._last_code(self.sp)
        self._save_preferences(self.move_a, dunning_code=code)
        self.assertFalse(self._opt_outs())
        self.assertFalse(self.env["phone.blacklist"].search([("number", "=", NUMBER)]))
        self.assertFalse(self.sp._dunning_sms_opted_out(self.company))
