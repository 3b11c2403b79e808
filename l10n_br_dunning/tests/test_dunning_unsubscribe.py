# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime

import requests

from odoo.tests import HttpCase, tagged

from .common import DunningCase


@tagged("post_install", "-at_install")
class TestDunningUnsubscribe(DunningCase, HttpCase):
    """The e-mail's unsubscribe link stops this company's e-mail reminders in
    one click (RFC 8058); the régua then uses the other channels, and a letter
    when none is left."""

    def _one_click(self, url):
        """What a mail provider sends: a POST, no session, no CSRF token."""
        response = requests.post(
            url, data={"List-Unsubscribe": "One-Click"}, timeout=30, allow_redirects=False
        )
        self.env.invalidate_all()  # what the server wrote, not this test's cache
        return response

    def test_one_click_stops_e_mails_and_the_sms_goes_on(self):
        url = self.sp._dunning_unsubscribe_url(self.company)
        # A link preview or a scanner (GET) changes nothing.
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_dunning_unsubscribe_confirm", page.text)
        self.assertFalse(self.sp.dunning_email_opt_out_company_ids)
        # A forged link changes nothing.
        forged = url[:-4] + "0000"
        self.assertEqual(self._one_click(forged).status_code, 404)
        other = self.rj._dunning_unsubscribe_url(self.company).rsplit("/", 1)[1]
        self.assertEqual(self._one_click(url.rsplit("/", 1)[0] + "/" + other).status_code, 404)
        self.assertFalse(self.sp.dunning_email_opt_out_company_ids)
        response = self._one_click(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.sp.dunning_email_opt_out_company_ids, self.company)
        # D+3: the stage's e-mail is skipped with the reason, its SMS goes.
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 15, 13, 0))
        emails = self._events(move, channel="email")
        self.assertFalse(emails.filtered(lambda e: e.state == "queued"))
        skipped = emails.filtered(lambda e: e.state == "skipped")
        self.assertTrue(skipped)
        for event in skipped:
            self.assertIn("no more e-mail reminders", event.reason)
        self.assertTrue(self._events(move, channel="sms").filtered(lambda e: e.state == "queued"))
        self.assertFalse(self._events(move, channel="letter"))

    def test_the_link_turns_nothing_back_on_without_the_code(self):
        """Whoever holds the e-mail's link (a forwarded e-mail, another site
        posting to it: one-click takes no CSRF token) may stop the e-mails, as
        the customer may; turning them back on is consent, confirmed through
        the contact preferences by a code sent to a contact on file (the
        preferences page's rule), never by the link alone."""
        url = self.sp._dunning_unsubscribe_url(self.company)
        self.assertEqual(self._one_click(url).status_code, 200)
        self.assertEqual(self.sp.dunning_email_opt_out_company_ids, self.company)
        page = self.url_open(url)
        self.assertNotIn('name="resubscribe"', page.text)
        self.assertIn("a code", page.text)
        response = requests.post(url, data={"resubscribe": "1"}, timeout=30)
        self.env.invalidate_all()
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("receive e-mail reminders again", response.text)
        self.assertEqual(self.sp.dunning_email_opt_out_company_ids, self.company)
        # In the customer's language.
        self._load_portuguese()
        self.sp.lang = "pt_BR"
        self.assertIn("um código que enviamos", self.url_open(url).text)

    def test_without_a_mobile_a_letter_reminds_instead(self):
        self.sp.mobile = False
        self.sp._dunning_email_opt_out(self.company)
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 15, 13, 0))
        letters = self._events(move, channel="letter").filtered(lambda e: e.state == "to_print")
        self.assertEqual(len(letters), 1)
        self.assertEqual(letters.origin, "fallback")
        self.assertFalse(
            self._events(move, channel="email").filtered(lambda e: e.state == "queued")
        )
        # Another company still e-mails: the opt-out is this company's.
        self.assertIn(self.company, self.sp.dunning_email_opt_out_company_ids)
        self.assertEqual(len(self.sp.dunning_email_opt_out_company_ids), 1)

    def test_the_preferences_page_offers_the_same(self):
        move = self._invoice(self.sp, date(2026, 12, 10))
        move._portal_ensure_token()
        url = f"/my/invoices/{move.id}/dunning/preferences?access_token={move.access_token}"
        html = self.url_open(url).text
        self.assertIn('name="email_opt_out"', html)
        csrf = html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        data = {"channel": "any", "hours": "any", "email_opt_out": "1", "csrf_token": csrf}
        self.assertEqual(self.url_open(url, data=data).status_code, 200)
        self.assertEqual(self.sp.dunning_email_opt_out_company_ids, self.company)
        # Turning them back on by link is confirmed by a code sent to the mobile on file.
        data.pop("email_opt_out")
        asked = self.url_open(url, data=data)
        self.assertIn("o_dunning_code_step", asked.text)
        self.assertEqual(self.sp.dunning_email_opt_out_company_ids, self.company)
        data["dunning_code"] = self._last_code(self.sp)
        self.assertEqual(self.url_open(url, data=data).status_code, 200)
        self.assertFalse(self.sp.dunning_email_opt_out_company_ids)
