# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
from datetime import date, datetime

from freezegun import freeze_time
from lxml import html as lxml_html

from odoo.tests import HttpCase, tagged

from .common import DunningCase


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
        cls.move = cls._invoice(cls.sp, date(2026, 12, 10), 1180.5)
        cls.move._portal_ensure_token()

    def setUp(self):
        super().setUp()
        frozen = freeze_time(datetime(2026, 12, 15, 13, 0))
        frozen.start()
        self.addCleanup(frozen.stop)

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
