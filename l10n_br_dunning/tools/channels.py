"""Which channels carry a customer's reminder, and what happens instead.

One customer's message group (the installments due, each with its stage's
channels) goes through ``choose``: SMS first (its outcome decides the rest),
then e-mail, call and letter, then an e-mail instead of an SMS that cannot go.
The régua's run, "send now", the deferred pass and the preview all call it,
so what the preview shows is what the run sends.

Decisions carry reason *codes*; the Odoo side turns them into translated text.
"""

from dataclasses import dataclass, field

SMS, EMAIL, CALL, LETTER = "sms", "email", "call", "letter"
ORDER = (SMS, EMAIL, CALL, LETTER)

# Decision states (an event's state once the message is written).
SEND = "send"
SKIPPED = "skipped"
DEFERRED = "deferred"

# Reason codes.
PREFERS_EMAIL = "prefers_email"
PREFERS_SMS = "prefers_sms"
NO_MOBILE = "no_mobile"
SMS_OPTED_OUT = "sms_opted_out"
SMS_CAP = "sms_cap"
NO_EMAIL = "no_email"
BAD_EMAIL = "bad_email"  # an address on file that is not one ("foo@", "maria.gmail.com")
EMAIL_BLACKLISTED = "email_blacklisted"
EMAIL_OPTED_OUT = "email_opted_out"  # this company's e-mails (List-Unsubscribe, preferences)
EMAIL_BOUNCED = "email_bounced"  # the address on file bounced (``BOUNCES_TO_STOP``)
# Warnings on a letter or call that goes all the same (a person carries it out).
NO_ADDRESS = "no_address"  # no street or city on file to post a letter to
NO_PHONE = "no_phone"  # no number on file at all to call
OPEN_CREDIT = "open_credit"  # a credit note or a payment not yet applied to the invoices
OUTSIDE_WINDOW = "outside_window"
COMPANY_UNIDENTIFIED = "company_unidentified"
COMPANY_NO_EMAIL = "company_no_email"
# What reaches the customer, and so must name the supplier (CDC art. 42-A).
TO_CUSTOMER = (SMS, EMAIL, LETTER)

# Origins of the events (dunning.event.origin).
AUTO, FALLBACK, MANUAL = "auto", "fallback", "manual"


# Characters no address the régua writes to has outside quotes (a list typed
# in one field, "maria,joao@..."; a name pasted with it, "<maria@...>").
NOT_IN_ADDRESS = frozenset('<>()[]\\,;:"')


# Bounces (``res.partner.message_bounce``, what Odoo's mail gateway counts
# for each delivery failure of an address) from which the régua writes no more
# to the address: the first. Odoo's mass mailing calls a contact "Bounced" from
# one bounce on (mailing_contact_views.xml's filter, the mailing lists' bounce
# count: ``message_bounce > 0``); its automatic blacklist waits for five over
# weeks (mass_mailing BLACKLIST_MAX_BOUNCED_LIMIT) because a newsletter may
# keep writing to an address that fails now and then, and the blacklist is for
# good. A reminder to a dead address reaches no one while its stage's other
# channels go, and the gateway counts only failures here (a delay warning or a
# read receipt is none: models/mail_thread.py), so one is enough. Odoo sets the
# counter back to 0 when mail comes from the address; the régua does when
# someone corrects it (res.partner.write).
BOUNCES_TO_STOP = 1


def usable_email(address):
    """Whether mail can go to ``address`` (one address as Odoo normalizes it,
    ``res.partner.email_normalized``): a name, one "@", a domain of two labels
    or more, none empty nor starting or ending with a hyphen, a top-level
    label of two characters or more, no space. Odoo normalizes
    "bruno@@cliente..example" to "@cliente..example", which is not empty and
    still no address. Accented letters pass (SMTPUTF8)."""
    if not address or address.count("@") != 1:
        return False
    if any(char.isspace() or char in NOT_IN_ADDRESS for char in address):
        return False
    name, domain = address.split("@")
    if not name or name.startswith(".") or name.endswith(".") or ".." in name:
        return False
    labels = domain.split(".")
    if len(labels) < 2 or len(labels[-1]) < 2 or labels[-1].isdigit():
        return False
    return all(
        label
        and len(label) <= 63
        and not label.startswith("-")
        and not label.endswith("-")
        and all(char.isalnum() or char == "-" for char in label)
        for label in labels
    )


@dataclass(frozen=True)
class Contact:
    """What the régua knows of one customer's channels."""

    preferred: str = "any"  # "any", "email" or "sms" (the customer's choice)
    email: bool = False  # an address mail can go to (``usable_email``)
    email_raw: str | None = None  # what the customer's record says, usable or not
    email_blacklisted: bool = False
    email_opted_out: bool = False  # asked this company for no more e-mail reminders
    email_bounced: bool = False  # the address bounced (``BOUNCES_TO_STOP``)
    sms_number: str | None = None  # E.164 mobile, or None
    sms_error: str | None = None  # sms_gateway phone error code when no number
    sms_raw_number: str | None = None  # what the customer's record says
    sms_opted_out: bool = False
    email_fallback: bool = True  # the company's "e-mail when SMS is impossible"
    # The company has an e-mail address to send from: without one, no e-mail
    # goes (it would leave as whoever runs the cron, "OdooBot").
    company_email: bool = True
    postal_address: bool = True  # a street and a city a letter can be posted to
    # The customer's credit at the company not yet applied to their invoices
    # (a credit note, a payment not matched), as the reason writes it; None
    # when there is none.
    open_credit: str | None = None
    phone: bool = True  # a number on file a call can ring (mobile or landline)


@dataclass
class Decision:
    channel: str
    lines: list  # the installments (keys) this message covers, in order
    state: str  # SEND, SKIPPED or DEFERRED
    reason: str | None = None
    origin: str = AUTO
    defer_day: object = None  # a date, with DEFERRED
    args: dict = field(default_factory=dict)  # details for the reason's text


def _sms(contact, lines, caps, manual):
    if contact.preferred == "email":
        return Decision(SMS, lines, SKIPPED, PREFERS_EMAIL)
    if not contact.sms_number:
        return Decision(
            SMS,
            lines,
            SKIPPED,
            NO_MOBILE,
            args={"number": contact.sms_raw_number or "-", "code": contact.sms_error},
        )
    if contact.sms_opted_out:
        return Decision(SMS, lines, SKIPPED, SMS_OPTED_OUT)
    if not manual and caps is not None:
        day = caps.deferred_to()
        if day is not None:
            return Decision(SMS, lines, DEFERRED, SMS_CAP, defer_day=day, args={"day": day})
    if caps is not None:
        caps.record()
    return Decision(SMS, lines, SEND)


def _email(contact, lines, origin=AUTO):
    if not contact.company_email:
        return Decision(EMAIL, lines, SKIPPED, COMPANY_NO_EMAIL, origin=origin)
    if not contact.email:
        if contact.email_raw:
            args = {"email": contact.email_raw}
            return Decision(EMAIL, lines, SKIPPED, BAD_EMAIL, origin=origin, args=args)
        return Decision(EMAIL, lines, SKIPPED, NO_EMAIL, origin=origin)
    if contact.email_blacklisted:
        return Decision(EMAIL, lines, SKIPPED, EMAIL_BLACKLISTED, origin=origin)
    if contact.email_opted_out:
        return Decision(EMAIL, lines, SKIPPED, EMAIL_OPTED_OUT, origin=origin)
    if contact.email_bounced:
        args = {"email": contact.email_raw}
        return Decision(EMAIL, lines, SKIPPED, EMAIL_BOUNCED, origin=origin, args=args)
    return Decision(EMAIL, lines, SEND, origin=origin)


def _letter(contact, lines, origin=AUTO):
    """A letter is listed for a person to print; without a street and city on
    file it says so (the person completes the address before printing)."""
    reason = None if contact.postal_address else NO_ADDRESS
    return Decision(LETTER, lines, SEND, reason, origin=origin)


def _call(contact, lines):
    """A call is a person's task; without a number on file it says so (the
    person looks one up)."""
    return Decision(CALL, lines, SEND, None if contact.phone else NO_PHONE)


def _letter_instead(decisions, channel_lines, contact, carried=()):
    """A customer who asked for no more e-mail is reminded by the other channels:
    the installments no SMS, letter or ``carried`` (a channel decided apart:
    WhatsApp) reaches get a letter instead."""
    reached = set(carried) | {
        line
        for decision in decisions
        if decision.channel in (SMS, LETTER) and decision.state in (SEND, DEFERRED)
        for line in decision.lines
    }
    opted_out = [
        line
        for decision in decisions
        if decision.channel == EMAIL and decision.reason == EMAIL_OPTED_OUT
        for line in decision.lines
        if line not in reached
    ]
    letter_lines = set(channel_lines.get(LETTER) or ())
    rest = list(dict.fromkeys(line for line in opted_out if line not in letter_lines))
    return [_letter(contact, rest, origin=FALLBACK)] if rest else []


def choose(
    contact,
    channel_lines,
    caps=None,
    origin=AUTO,
    fallback=True,
    closed_until=None,
    company_missing=None,
    carried=(),
):
    """The decisions for one message group.

    ``channel_lines`` maps each channel to the installments it carries (a
    stage's channels, or those a person chose). ``caps`` (``caps.SmsCaps``)
    defers an SMS over the customer's limits, except when a person sends
    (``origin`` MANUAL: the channels are theirs, no fallback either).
    ``fallback`` False leaves an impossible SMS without its e-mail (the
    deferred pass: the stage's e-mail was decided on its own day).
    ``closed_until`` (a date): the customer may not be contacted now (sending
    window, holiday); what would go waits for that day instead.
    ``company_missing`` (e.g. "CNPJ, address"): the company cannot identify
    itself as CDC art. 42-A requires; nothing reaches the customer.
    ``carried``: installments a channel decided apart (WhatsApp) carries to
    the customer: no letter stands in for their e-mail.
    """
    manual = origin == MANUAL
    decisions = []
    sms_decision = None
    for channel in ORDER:
        lines = list(channel_lines.get(channel) or ())
        if not lines:
            continue
        if channel == SMS:
            decision = sms_decision = _sms(contact, lines, caps, manual)
        elif channel == EMAIL:
            sms_lines = set(channel_lines.get(SMS) or ())
            if (
                not manual
                and contact.preferred == "sms"
                and sms_decision is not None
                and sms_decision.state in (SEND, DEFERRED)
                and set(lines) <= sms_lines
            ):
                decision = Decision(EMAIL, lines, SKIPPED, PREFERS_SMS)
            else:
                decision = _email(contact, lines)
        elif channel == LETTER:
            decision = _letter(contact, lines)
        elif channel == CALL:
            decision = _call(contact, lines)
        else:
            decision = Decision(channel, lines, SEND)
        decision.origin = origin
        decisions.append(decision)
    if (
        fallback
        and not manual
        and sms_decision is not None
        and sms_decision.state == SKIPPED
        and (contact.email_fallback or contact.preferred == "email")
    ):
        emailed = set(channel_lines.get(EMAIL) or ())
        rest = [line for line in sms_decision.lines if line not in emailed]
        if rest:
            decisions.append(_email(contact, rest, origin=FALLBACK))
    if fallback and not manual and contact.email_opted_out:
        decisions += _letter_instead(decisions, channel_lines, contact, carried)
    return hold(decisions, company_missing, closed_until)


def hold_for_credit(decisions, contact, origin=AUTO):
    """A customer with a credit not yet applied (``contact.open_credit``: a
    credit note, a payment not matched) may owe nothing: the régua reminds
    them of nothing, on any channel, until a person applies it; each message
    is skipped saying so. What a person sends by hand goes (they looked)."""
    if not contact.open_credit or origin == MANUAL:
        return decisions
    for decision in decisions:
        if decision.state in (SEND, DEFERRED):
            decision.state, decision.reason = SKIPPED, OPEN_CREDIT
            decision.defer_day, decision.args = None, {"amount": contact.open_credit}
    return decisions


def hold(decisions, company_missing=None, closed_until=None, reaching=TO_CUSTOMER):
    """What no channel escapes, applied to ``decisions`` (returned): nothing
    ``reaching`` the customer goes while the company cannot identify itself
    (``company_missing``): it waits (deferred with no day: each run looks
    again) and goes once the company is complete, if still true then; and
    nothing goes before ``closed_until`` (the customer's window is closed
    now). An add-on's channel passes its own ``reaching`` (WhatsApp, a call)."""
    if company_missing:
        for decision in decisions:
            if decision.channel in reaching and decision.state in (SEND, DEFERRED):
                decision.state, decision.reason = DEFERRED, COMPANY_UNIDENTIFIED
                decision.defer_day, decision.args = None, {"missing": company_missing}
    if closed_until is not None:
        for decision in decisions:
            if decision.state == SEND:
                decision.state, decision.reason = DEFERRED, OUTSIDE_WINDOW
                decision.defer_day = closed_until
                decision.args = {"day": closed_until}
    return decisions
