# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Which documents the régua reminds and what their payment states mean: the
one home of these words (no Odoo import). Everything else imports them;
``tests/test_architecture.py`` fails where a state list is spelled again.

Paid: the money came (or is on its way), what a thank-you and days-to-pay
count. An invoice an agreement settled is "paid" to Odoo as well, and is not
paid by the customer: ``account_move.RENEGOTIATED_MOVES`` tells it apart.
Settled: nothing is owed any more. Open: something is.
"""

PAID_STATES = ("paid", "in_payment")
SETTLED_STATES = (*PAID_STATES, "reversed")
UNPAID = "not_paid"  # nothing paid yet
OPEN_PAYMENT_STATES = (UNPAID, "partial")
# Never reminded: settled, or blocked by hand (the brief's decision "Payment
# states": paid, in_payment, reversed and blocked are never reminded).
NEVER_REMINDED = (*SETTLED_STATES, "blocked")
# The documents the régua reminds (an agreement's entry besides:
# account.move.line._dunning_dunned_domain).
DUNNED_MOVE_TYPES = ("out_invoice", "out_receipt")


def is_open(state, payment_state):
    """Whether a document in ``state`` / ``payment_state`` still owes something."""
    return state == "posted" and payment_state in OPEN_PAYMENT_STATES


def is_paid(payment_state):
    """Paid to Odoo, or being paid (an agreement's settling counts too:
    ``account.move._dunning_paid_by_customer`` tells it apart)."""
    return payment_state in PAID_STATES


def is_settled(payment_state):
    """Nothing is owed any more: paid, being paid or reversed."""
    return payment_state in SETTLED_STATES


def is_closed(state, payment_state):
    """Nothing left for the customer to do: paid, being paid, reversed,
    blocked, or not posted (draft, cancelled)."""
    return state != "posted" or payment_state in NEVER_REMINDED
