# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
from datetime import date, datetime

from lxml import html as lxml_html

from odoo.tests import HttpCase, tagged

from .common import DunningCase

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


@tagged("post_install", "-at_install")
class TestDunningPortalPhone(DunningCase, HttpCase):
    """A customer on a phone answering from a reminder's link, over real HTTP:
    what they typed, when the page refuses it. The clock is frozen on
    15/12/2026 (São Paulo)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_portuguese()
        cls.sp.lang = False  # a customer who never chose a language
        cls.company.partner_id.lang = "pt_BR"  # the team's
        cls.move = cls._invoice(cls.sp, date(2026, 12, 10), 1180.5)
        cls.move._portal_ensure_token()

    def setUp(self):
        super().setUp()
        self.clock = self._freeze_clock(datetime(2026, 12, 15, 13, 0))

    def _post(self, action, data, files=None):
        page = self.url_open(f"/my/invoices/{self.move.id}?access_token={self.move.access_token}")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        return self.url_open(
            f"/my/invoices/{self.move.id}/dunning/{action}",
            data={"access_token": self.move.access_token, "csrf_token": csrf, **data},
            files=files,
            allow_redirects=False,
        )

    def _form(self, response, name):
        """(the answer's <details>, its form) on the page answered."""
        tree = lxml_html.fromstring(response.text)
        details = tree.xpath(f"//details[contains(@class, 'o_dunning_{name}')]")[0]
        return details, details.xpath(".//form")[0]

    def test_a_refused_answer_keeps_what_was_typed_in_its_open_form(self):
        """On a phone, a refused answer came back with every form closed and
        emptied: the customer had to find the form again and type it all
        again. The form answered is open, with what was typed, and the page
        opens at the card with the reason (the forms post to #dunning)."""
        response = self._post("dispute", {"reason": "", "note": "Chegaram 3 resmas molhadas."})
        self.assertEqual(response.status_code, 400)
        self.assertIn("Escolha o motivo da contestação.", response.text)
        details, form = self._form(response, "dispute")
        self.assertIsNotNone(details.get("open"))
        self.assertEqual(
            form.xpath(".//textarea[@name='note']")[0].text, "Chegaram 3 resmas molhadas."
        )
        self.assertTrue(form.get("action").endswith("#dunning"))
        self.assertIsNone(self._form(response, "promise")[0].get("open"))

        response = self._post("dispute", {"reason": "other", "note": "  "})
        self.assertIn("Conte para nós o que aconteceu.", response.text)
        details, form = self._form(response, "dispute")
        self.assertEqual(
            form.xpath(".//select[@name='reason']/option[@selected]/@value"), ["other"]
        )

        response = self._post("promise", {"promised_on": "2027-01-15"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("Escolha uma data até 30/12/2026.", response.text)
        details, form = self._form(response, "promise")
        self.assertIsNotNone(details.get("open"))
        self.assertEqual(form.xpath(".//input[@name='promised_on']/@value"), ["2027-01-15"])
        self.assertTrue(form.get("action").endswith("#dunning"))

        response = self._post(
            "paid",
            {"paid_on": "2026-12-12", "method": "transfer"},
            files={
                "receipt": ("comprovante.docx", b"PK\x03\x04 not a receipt", "application/msword")
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("O comprovante deve ser um PDF ou uma foto (PNG, JPEG, WebP).", response.text)
        details, form = self._form(response, "paid")
        self.assertIsNotNone(details.get("open"))
        self.assertEqual(form.xpath(".//input[@name='paid_on']/@value"), ["2026-12-12"])
        self.assertEqual(
            form.xpath(".//select[@name='method']/option[@selected]/@value"), ["transfer"]
        )
        self.assertTrue(form.get("action").endswith("#dunning"))
        self.assertIsNone(self._form(response, "dispute")[0].get("open"))
        self.assertFalse(self.move.dunning_paused)
        self.assertFalse(self.move.dunning_portal_request_ids)

    def _notes(self, text):
        return self.move.message_ids.filtered(lambda message: text in (message.body or ""))

    def test_a_second_tap_on_send_records_the_answer_once(self):
        """A phone on a slow network: "Enviar" tapped twice posts the answer
        twice. The team got it twice (two requests, two notes), and the second
        tap of a receipt confirmed by a code came back as an error ("ask for a
        code first") although the receipt was recorded. The same answer again
        within minutes thanks the customer and records nothing more."""
        paid = {"paid_on": "2026-12-14", "method": "pix"}
        for _tap in range(2):
            response = self._post("paid", paid)
            self.assertEqual(response.status_code, 303)
            self.assertIn("dunning_done=paid", response.headers["Location"])
        self.assertEqual(len(self.move.dunning_portal_request_ids), 1)
        self.assertEqual(len(self._notes("14/12/2026")), 1)

        files = {"receipt": ("comprovante.pdf", PDF, "application/pdf")}
        step = self._post("paid", paid, files=files)  # a new answer: the receipt
        self.assertIn("o_dunning_code_step", step.text)
        confirmed = {**paid, "dunning_code": self._last_code(self.sp)}
        for _tap in range(2):
            response = self._post("paid", confirmed, files=files)
            self.assertEqual(response.status_code, 303)
            self.assertIn("dunning_done=paid", response.headers["Location"])
        receipts = self.env["ir.attachment"].search(
            [("res_model", "=", "account.move"), ("res_id", "=", self.move.id)]
        )
        self.assertEqual(len(receipts), 1)
        self.assertEqual(len(self.move.dunning_portal_request_ids), 2)

        dispute = {"reason": "defective", "note": "Chegaram molhadas."}
        for _tap in range(2):
            self.assertEqual(self._post("dispute", dispute).status_code, 303)
        self.assertEqual(len(self._notes("Chegaram molhadas.")), 1)
        # Something else said is recorded.
        self._post("dispute", {**dispute, "note": "E faltou uma caixa."})
        self.assertEqual(len(self._notes("faltou uma caixa")), 1)
        self.assertEqual(len(self.move.dunning_portal_request_ids), 4)
