# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Upgrading to 18.0.1.2.0: an "SAIR" replied before opt-outs were per company
(Odoo's global blacklist then) stops the SMS of the company replied to only."""

from datetime import datetime

from odoo.tests import common, tagged

from odoo.addons.sms_gateway import upgrade

JOAO = "+5531991112222"
CARLOS = "+5511965432109"
BY_HAND = "+5511911112222"
LATER_EDITED = "+5521988887777"


@tagged("post_install", "-at_install")
class TestSmsGatewayUpgrade(common.TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Company = cls.env["res.company"]
        cls.aurora = Company.create({"name": "Papelaria Aurora"})
        cls.bravo = Company.create({"name": "Bravo Comércio"})
        cls.third = Company.create({"name": "Terceira Ltda"})
        Gateway = cls.env["sms.gateway"].sudo()
        cls.gw_aurora = Gateway.create(
            {"name": "Aurora", "provider": "log", "company_id": cls.aurora.id}
        )
        cls.gw_bravo = Gateway.create(
            {"name": "Bravo", "provider": "log", "company_id": cls.bravo.id}
        )
        cls.joao = cls.env["res.partner"].create({"name": "João", "mobile": "(31) 99111-2222"})

    def _at(self, when, model, ids):
        """Records written in one transaction at ``when`` (a test runs in one)."""
        self.env.flush_all()
        self.env.cr.execute(
            f"UPDATE {self.env[model]._table} SET create_date = %s WHERE id IN %s",
            [when, tuple(ids)],
        )

    def _step(self, when, do):
        """``do()`` as one transaction of its own at ``when``: the messages it
        writes (tracking included) are dated then."""
        last = max(self.env["mail.message"].search([]).ids or [0])
        do()
        self.env.cr.precommit.run()
        self.env.flush_all()
        new = self.env["mail.message"].search([("id", ">", last)]).ids
        if new:
            self._at(when, "mail.message", new)

    def _reply(self, gateway, number, text, when, opt_out, partner=None):
        """What 18.0.1.1.0 recorded of a reply, in its transaction at ``when``:
        the inbound SMS; for an opt-out the blacklist entry's note (nothing
        when the number was on it already) and the customer's note."""

        def do():
            Inbound = self.env["sms.gateway.inbound"].sudo()
            Inbound._claim(gateway, f"{number}-{when}", number)
            inbound = Inbound.search([("number", "=", number)], order="id desc", limit=1)
            self._at(when, "sms.gateway.inbound", inbound.ids)
            if opt_out:
                self.env["phone.blacklist"].sudo()._add(
                    [number], message=f"Opted out by replying “{text}” to an SMS."
                )
            if partner:
                body = (
                    f"{number} replied “{text}” to an SMS and will no longer receive SMS."
                    if opt_out
                    else f"SMS reply from {number}: “{text}”"
                )
                partner.message_post(body=body, subtype_xmlid="mail.mt_note")

        self._step(when, do)

    def _by_hand(self, number, when, message=None):
        Blacklist = self.env["phone.blacklist"].sudo()
        if message:
            self._step(when, lambda: Blacklist._add([number], message=message))
        else:
            self._step(when, lambda: Blacklist.create({"number": number}))

    def test_replies_become_the_opt_outs_of_the_companies_replied_to(self):
        # João: SAIR to Aurora (the blacklist entry is made), then SAIR to Bravo
        # while listed (nothing written on the entry, only his chatter note).
        self._reply(self.gw_aurora, JOAO, "SAIR", datetime(2026, 12, 1, 10), True, self.joao)
        self._reply(self.gw_bravo, JOAO, "Sair", datetime(2026, 12, 2, 10), True, self.joao)
        # Carlos asked Aurora something, and a person blacklisted him later.
        self._reply(self.gw_aurora, CARLOS, "quem fala?", datetime(2026, 12, 1, 11), False)
        self._by_hand(CARLOS, datetime(2026, 12, 3, 9), message="Pediu por telefone")
        # A number blacklisted by hand, from the list.
        self._by_hand(BY_HAND, datetime(2026, 12, 3, 10))
        # A reply listed this one, and a person changed the entry afterwards.
        self._reply(self.gw_aurora, LATER_EDITED, "SAIR", datetime(2026, 12, 1, 12), True)
        entry = self.env["phone.blacklist"].sudo().search([("number", "=", LATER_EDITED)])
        self._step(datetime(2026, 12, 2, 9), entry.action_archive)
        self._by_hand(LATER_EDITED, datetime(2026, 12, 4, 9), message="De novo, por telefone")
        self.env.invalidate_all()
        OptOut = self.env["sms.opt.out"]
        before = OptOut._opted_out(
            [(JOAO, self.third), (CARLOS, self.bravo), (BY_HAND, self.bravo)]
        )
        self.assertEqual(len(before), 3, "before the upgrade every number stops every company")

        moved = upgrade.move_reply_opt_outs(self.env)
        self.env.cr.precommit.run()

        self.assertEqual(moved, {JOAO: [self.aurora.id, self.bravo.id]})
        rows = OptOut.search([("number", "=", JOAO)])
        self.assertEqual(
            sorted((row.company_id.name, row.source, row.partner_id.name) for row in rows),
            [("Bravo Comércio", "reply", "João"), ("Papelaria Aurora", "reply", "João")],
        )
        self.assertEqual(
            {row.company_id.name: row.date for row in rows},
            {
                "Papelaria Aurora": datetime(2026, 12, 1, 10),
                "Bravo Comércio": datetime(2026, 12, 2, 10),
            },
        )
        # The companies João replied to still send him no SMS; a third one may.
        self.assertEqual(
            OptOut._opted_out([(JOAO, self.aurora), (JOAO, self.bravo), (JOAO, self.third)]),
            {(JOAO, self.aurora.id), (JOAO, self.bravo.id)},
        )
        listed = self.env["phone.blacklist"].sudo().search([]).mapped("number")
        self.assertNotIn(JOAO, listed)
        self.assertIn("Papelaria Aurora, Bravo Comércio", self._last_body(JOAO))
        # What people put on the global list stays there, for every company.
        for number in (CARLOS, BY_HAND, LATER_EDITED):
            self.assertIn(number, listed)
            self.assertFalse(OptOut.search([("number", "=", number)]))
        self.assertEqual(
            OptOut._opted_out([(CARLOS, self.third), (BY_HAND, self.third)]),
            {(CARLOS, self.third.id), (BY_HAND, self.third.id)},
        )
        # Run again (an upgrade retried): nothing more.
        self.assertEqual(upgrade.move_reply_opt_outs(self.env), {})

    def _last_body(self, number):
        entry = (
            self.env["phone.blacklist"]
            .sudo()
            .with_context(active_test=False)
            .search([("number", "=", number)])
        )
        return str(entry.message_ids[:1].body) + "".join(
            str(value.old_value_char) for value in entry.message_ids[:1].tracking_value_ids
        )
