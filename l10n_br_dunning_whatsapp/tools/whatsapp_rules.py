"""Where WhatsApp sits among the régua's channels.

WhatsApp goes first: with the customer's consent for their mobile, the
company's account and the stage's template approved, it carries the stage's
installments and their SMS is not sent as well. Otherwise its event says why
and, unless a person chose the channels, its installments go by SMS instead,
then by e-mail when the SMS cannot go either (``tools.channels.choose``, the
rules of every other channel). Caps and the sending window apply as for SMS.
"""

from collections.abc import Callable
from dataclasses import dataclass

try:
    from odoo.addons.l10n_br_dunning.tools import channels as rules
except ImportError:  # plain tests: no Odoo
    from l10n_br_dunning.tools import channels as rules

WHATSAPP = "whatsapp"

# Reason codes of a WhatsApp decision (and of the SMS it makes unnecessary).
PREFERS_OTHER = "wa_prefers_other"
NO_ACCOUNT = "wa_no_account"
NO_NUMBER = "wa_no_number"
NO_CONSENT = "wa_no_consent"
OPTED_OUT = "wa_opted_out"
TEMPLATE_NOT_APPROVED = "wa_template"
TEMPLATE_ONE_INVOICE = "wa_one_invoice"  # its text says "a fatura": not for several
# The template is another company's account's: never from another's number.
TEMPLATE_OTHER_COMPANY = "wa_template_company"
# Its variables cannot be written for this message (an expression that fails,
# a value WhatsApp refuses): the SMS goes instead, as for a refused template.
TEMPLATE_FAILED = "wa_template_failed"
SENT_BY_WHATSAPP = "wa_sent"
REFUSED = "wa_refused"  # the provider refused it after it was queued
UNREACHABLE = "wa_unreachable"  # the provider could not be reached, its tries spent


@dataclass(frozen=True)
class WhatsappFacts:
    """What the régua knows of one customer's WhatsApp for one message."""

    number: str | None = None  # E.164 mobile
    number_error: str | None = None  # sms_gateway phone error code
    raw_number: str | None = None
    account: bool = False  # the company has an active WhatsApp account
    consent: str = "none"  # "granted", "revoked" or "none" for that number
    template_status: str | None = None  # the speaking stage's template state
    template_name: str = ""
    # The provider's words on that state (a pause, a refusal when sending).
    template_reason: str = ""
    # The template's text speaks of one invoice ("a fatura de {{3}}", as the
    # suggestions said before 18.0.1.1.0): it cannot carry a grouped message.
    template_one_invoice: bool = False
    # The template belongs to an account of the message's company.
    template_company: bool = True
    # Why the template cannot be written for this message (its variables), or
    # None: asked only once everything else lets the WhatsApp go.
    render_problem: Callable[[], str | None] | None = None


def decide(facts, preferred, lines, caps=None, manual=False):
    """The WhatsApp decision for ``lines`` (a ``rules.Decision``)."""

    def skip(reason, **args):
        return rules.Decision(WHATSAPP, lines, rules.SKIPPED, reason, args=args)

    if preferred in ("email", "sms") and not manual:
        return skip(PREFERS_OTHER, channel=preferred)
    if not facts.account:
        return skip(NO_ACCOUNT)
    if not facts.template_company:
        return skip(TEMPLATE_OTHER_COMPANY, template=facts.template_name or "-")
    if not facts.number:
        return skip(NO_NUMBER, number=facts.raw_number or "-", code=facts.number_error)
    if facts.consent == "revoked":
        return skip(OPTED_OUT, number=facts.number)
    if facts.consent != "granted":
        return skip(NO_CONSENT, number=facts.number)
    if facts.template_status != "approved":
        return skip(
            TEMPLATE_NOT_APPROVED,
            template=facts.template_name or "-",
            status=facts.template_status or "-",
            provider_reason=facts.template_reason or "",
        )
    if facts.template_one_invoice and len(lines) > 1:
        return skip(TEMPLATE_ONE_INVOICE, template=facts.template_name or "-", count=len(lines))
    problem = facts.render_problem() if facts.render_problem else None
    if problem:
        return skip(TEMPLATE_FAILED, template=facts.template_name or "-", error=problem)
    if not manual and caps is not None:
        day = caps.deferred_to()
        if day is not None:
            return rules.Decision(
                WHATSAPP, lines, rules.DEFERRED, rules.SMS_CAP, defer_day=day, args={"day": day}
            )
    if caps is not None:
        caps.record()
    return rules.Decision(WHATSAPP, lines, rules.SEND)


def choose(
    facts,
    contact,
    channel_lines,
    choose_rest,
    caps=None,
    origin=rules.AUTO,
    fallback=True,
    closed_until=None,
    company_missing=None,
):
    """The decisions for one message group whose channels include WhatsApp.

    ``choose_rest(channel_lines, carried=lines)`` decides the other channels
    (``tools.channels.choose`` with the same options, ``carried`` what
    WhatsApp carries); ``caps`` are the
    customer's WhatsApp caps."""
    wa_lines = list(channel_lines.get(WHATSAPP) or ())
    rest = {channel: list(lines) for channel, lines in channel_lines.items() if channel != WHATSAPP}
    if not wa_lines:
        return choose_rest(rest)
    manual = origin == rules.MANUAL
    decision = decide(facts, contact.preferred, wa_lines, caps, manual)
    decision.origin = origin
    rules.hold([decision], company_missing, closed_until, reaching=(WHATSAPP,))
    sms_lines = list(rest.get(rules.SMS) or ())
    carried = set(wa_lines)
    extra = []
    if decision.state in (rules.SEND, rules.DEFERRED):
        covered = [line for line in sms_lines if line in carried]
        if covered and not manual:
            # WhatsApp carries these installments: the same SMS would repeat it.
            rest[rules.SMS] = [line for line in sms_lines if line not in carried]
            extra.append(
                rules.Decision(rules.SMS, covered, rules.SKIPPED, SENT_BY_WHATSAPP, origin=origin)
            )
    elif fallback and not manual and decision.reason != rules.COMPANY_UNIDENTIFIED:
        instead = [line for line in wa_lines if line not in set(sms_lines)]
        rest[rules.SMS] = sms_lines + instead
        decisions = choose_rest({k: v for k, v in rest.items() if v})
        for other in decisions:
            if other.channel == rules.SMS and instead and set(other.lines) <= set(instead):
                other.origin = rules.FALLBACK
        return [decision, *decisions]
    # What WhatsApp carries reaches the customer: no letter stands in for it.
    reached = wa_lines if decision.state in (rules.SEND, rules.DEFERRED) else []
    others = choose_rest({k: v for k, v in rest.items() if v}, carried=reached)
    return [decision, *others, *extra]
