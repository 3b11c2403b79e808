# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo.tests import HttpCase, tagged

from .common import DunningCase

# Measures, in the page, each main action the selectors name (closed answers
# opened first, the copy button shown by its script) and fails naming those
# under 44 px high (WCAG 2.5.5, Android's 48 dp).
MEASURE = """
(async () => {
    const selectors = %s;
    document.querySelectorAll("details").forEach((details) => (details.open = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const small = [];
    for (const selector of selectors) {
        const found = [...document.querySelectorAll(selector)];
        if (!found.length) {
            small.push(selector + ": not on the page");
        }
        for (const element of found) {
            const box = element.getBoundingClientRect();
            if (box.height < 44) {
                const text = element.innerText.trim();
                small.push(`${selector} "${text}" ${Math.round(box.height)} px`);
            }
        }
    }
    if (small.length) {
        console.error("tap targets under 44 px: " + small.join("; "));
    } else {
        console.log("test successful");
    }
})();
"""

# The fields of a form: each select, text field and date at least 44 px high,
# each checkbox tied to its label (a tap on the sentence ticks it) and the two
# together at least 44 px high; no field wider than the phone (no sideways
# scrolling).
FIELDS = """
(async () => {
    document.querySelectorAll("details").forEach((details) => (details.open = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const form = document.querySelector(%s);
    const small = [];
    if (!form) {
        small.push("form not on the page");
    }
    const fields = form ? form.querySelectorAll("select, textarea, input:not([type=hidden])") : [];
    for (const field of fields) {
        const box = field.getBoundingClientRect();
        let height = box.height;
        if (field.type === "checkbox") {
            const label = field.id && document.querySelector(`label[for="${field.id}"]`);
            if (!label) {
                small.push(`${field.name}: no label tied to it`);
                continue;
            }
            const tap = label.getBoundingClientRect();
            height = Math.max(box.bottom, tap.bottom) - Math.min(box.top, tap.top);
        }
        if (height < 44) {
            small.push(`${field.name} ${Math.round(height)} px`);
        }
    }
    if (document.documentElement.scrollWidth > window.innerWidth) {
        small.push(`page ${document.documentElement.scrollWidth} px wide`);
    }
    if (small.length) {
        console.error("fields under 44 px: " + small.join("; "));
    } else {
        console.log("test successful");
    }
})();
"""


@tagged("post_install", "-at_install")
class TestDunningPortalTaps(DunningCase, HttpCase):
    """On a 360 px phone, the customer's main actions are at least 44 px
    high: a thumb hits the one it means."""

    browser_size = "360x640"
    touch_enabled = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_portuguese()
        cls.sp.lang = "pt_BR"
        cls._company_pix_key()
        today = cls.sp._dunning_today(cls.company)
        cls.move = cls._invoice(cls.sp, today - timedelta(days=10), 1180.5)
        cls.move._portal_ensure_token()

    def _measure(self, url, selectors):
        self._in_browser(url, MEASURE % repr(selectors))

    def _fields(self, url, form):
        self._in_browser(url, FIELDS % repr(form))

    def _in_browser(self, url, code):
        # Loaded, and the page's script has shown the copy buttons (if any).
        ready = (
            "document.readyState === 'complete' && "
            "!document.querySelector('.o_dunning_pix_copy.d-none')"
        )
        self.browser_js(url, code, ready=ready)

    def test_the_invoice_page_main_actions(self):
        self._measure(
            f"/my/invoices/{self.move.id}?access_token={self.move.access_token}",
            [
                ".o_dunning_pix_copy",
                ".o_dunning_split",
                ".o_dunning_portal summary",
                ".o_dunning_portal button[type='submit']",
            ],
        )

    def test_the_grouped_page_main_actions(self):
        url = self.env["dunning.customer.link"]._for(self.sp, self.company)._url()
        self._measure(
            "/" + url.split("/", 3)[3], [".o_dunning_pix_copy", ".o_dunning_open_item_pay"]
        )

    def test_the_split_page_options(self):
        path = f"/my/invoices/{self.move.id}/dunning/agreement"
        self._measure(f"{path}?access_token={self.move.access_token}", [".o_dunning_choose"])

    def test_the_preferences_page_fields(self):
        """The channel and hours lists and the mobile field were 35 px high
        and the SMS and e-mail boxes 14 px with a 21 px sentence: a thumb
        ticked the wrong one or missed it. Each is now at least 44 px."""
        path = f"/my/invoices/{self.move.id}/dunning/preferences"
        url = f"{path}?access_token={self.move.access_token}"
        self._fields(url, ".o_dunning_preferences")

    def test_the_invoice_page_answer_fields(self):
        """The fields of the answers (date paid, how, receipt, reason, note,
        new date) on the invoice's page."""
        url = f"/my/invoices/{self.move.id}?access_token={self.move.access_token}"
        self._fields(url, ".o_dunning_portal")

    def test_the_unsubscribe_page_button(self):
        url = self.sp._dunning_unsubscribe_url(self.company)
        self._measure("/" + url.split("/", 3)[3], [".o_dunning_unsubscribe_confirm"])

    def test_the_preferences_page_save(self):
        path = f"/my/invoices/{self.move.id}/dunning/preferences"
        self._measure(
            f"{path}?access_token={self.move.access_token}",
            [".o_dunning_preferences button[type='submit']"],
        )
