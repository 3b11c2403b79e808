# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What an accountant in São Paulo reads under "Settled by Pix today"."""

import types
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.l10n_br_dunning.tests.common import DunningCase


def client_domain(domain, today, tz):
    """``domain`` as the web client evaluates it for a user in ``tz`` on
    ``today``: ``context_today()`` is their date, ``to_utc()`` turns their
    local time to UTC (Odoo's py.js)."""

    class ClientDatetime(datetime):
        def to_utc(self):
            local = self.replace(tzinfo=ZoneInfo(tz))
            return local.astimezone(UTC).replace(tzinfo=None)

    return safe_eval(
        domain,
        {
            "context_today": lambda: today,
            "datetime": types.SimpleNamespace(datetime=ClientDatetime, time=time),
            "relativedelta": relativedelta,
        },
    )


@tagged("post_install", "-at_install")
class TestDunningPixBackoffice(DunningCase):
    def test_settled_today_is_the_accountants_today(self):
        """On 15 December in São Paulo, "Today" lists the Pix paid that day
        (even at 23:30, 02:30 UTC the next day), not the one paid at 22:30 the
        evening before (01:30 UTC on the 15th): it listed it, counting days
        from midnight UTC (21:00 in São Paulo)."""
        user = new_test_user(
            self.env,
            login="contador-pix",
            groups="l10n_br_dunning.group_dunning_user,account.group_account_invoice",
            tz="America/Sao_Paulo",
        )
        Payment = self.env["dunning.pix.payment"].sudo()
        values = {"company_id": self.company.id, "partner_id": self.sp.id, "amount": 0.01}
        yesterday_evening, this_morning, tonight = Payment.create(
            [
                {**values, "e2eid": "E1", "paid_at": datetime(2026, 12, 15, 1, 30)},
                {**values, "e2eid": "E2", "paid_at": datetime(2026, 12, 15, 12, 0)},
                {**values, "e2eid": "E3", "paid_at": datetime(2026, 12, 16, 2, 30)},
            ]
        )
        arch = self.env["dunning.pix.payment"].with_user(user).get_view(view_type="search")["arch"]
        [today] = etree.fromstring(arch).xpath("//filter[@name='today']")
        domain = client_domain(today.get("domain"), date(2026, 12, 15), user.tz)
        listed = (
            self.env["dunning.pix.payment"]
            .with_user(user)
            .search(domain + [("id", "in", (yesterday_evening | this_morning | tonight).ids)])
        )
        self.assertEqual(listed, this_morning | tonight)
