# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Which company a recorded collection call speaks for (no Odoo import).

A customer shared by several companies of one database gets each company's
call apart; an outcome recorded for the wrong one pauses the wrong invoices
and leaves the call open. The call being answered says it; else the only
company asking for a call; else the only company the customer owes; else,
when nothing is owed to the companies in view, the one the person works in.
Two candidates and nothing to tell them apart: a person chooses.
"""


def answered_company(calling, owed, active):
    """The company (an id) an outcome recorded on a customer is about, or None
    when a person must choose. ``calling``: the companies with an open call of
    the régua for the customer; ``owed``: the companies the customer owes an
    open installment (both among those the person has ticked); ``active``: the
    company the person works in."""
    for candidates in (set(calling), set(owed)):
        if len(candidates) == 1:
            return next(iter(candidates))
        if candidates:
            return None
    return active
