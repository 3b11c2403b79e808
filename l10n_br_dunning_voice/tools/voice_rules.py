"""Where an automated call sits among the régua's channels.

A stage may call its customers (``voice``) beside its other channels. The
call goes to the customer's mobile, else their landline, through the
company's voice account, unless the number asked this company for no more
calls (key 9 in an earlier call), the customer prefers written messages, or
the name on file is no one's (a CPF, a CNPJ, "Consumidor final": the call would
have no one to ask for before the debt, and would read a tax id aloud).
Calls have caps of their own (by default one per customer per week, at most
one a day), counted apart from SMS; the sending window and holidays apply as
for every channel. A retry of a call nobody answered (``RETRY``) is the same
reminder: it is not capped again.

Decisions carry reason codes; the Odoo side turns them into translated text.
"""

from dataclasses import dataclass

try:
    from odoo.addons.l10n_br_dunning.tools import channels as rules
except ImportError:  # plain tests: no Odoo
    from l10n_br_dunning.tools import channels as rules

VOICE = "voice"
# The event origin of a call placed again after a busy line or no answer.
RETRY = "retry"

# Reason codes of a voice decision.
PREFERS_WRITTEN = "voice_prefers_written"
NO_ACCOUNT = "voice_no_account"
NO_NUMBER = "voice_no_number"
NO_NAME = "voice_no_name"  # the name on file is a tax id or a placeholder
OPTED_OUT = "voice_opted_out"
VOICE_CAP = "voice_cap"
CALL_FAILED = "voice_failed"  # the provider could not place it: an SMS goes instead
UNANSWERED_RETRY = "voice_retry"  # busy or no answer: called again on a later day


@dataclass(frozen=True)
class VoiceFacts:
    """What the régua knows of one customer's phone for one call."""

    account: bool = False  # the company has an active voice account
    number: str | None = None  # E.164, mobile or landline
    number_error: str | None = None
    raw_number: str | None = None
    opted_out: bool = False  # the number asked this company for no more calls
    # The call has a name to ask for (res.partner._dunning_addressed_name): not
    # a CPF or CNPJ read aloud to whoever answers (LGPD), not "Consumidor final".
    named: bool = True


def decide(facts, preferred, lines, caps=None, origin=rules.AUTO):
    """The call's decision for ``lines`` (a ``rules.Decision``)."""
    manual = origin == rules.MANUAL

    def skip(reason, **args):
        return rules.Decision(VOICE, lines, rules.SKIPPED, reason, origin=origin, args=args)

    if preferred == "email" and not manual:
        return skip(PREFERS_WRITTEN)
    if not facts.account:
        return skip(NO_ACCOUNT)
    if not facts.number:
        return skip(NO_NUMBER, number=facts.raw_number or "-", code=facts.number_error)
    if not facts.named:
        # Without a name the greeting confirms no one, and whoever pressed 1
        # would hear the debt (BRIEF: nothing before the confirmation).
        return skip(NO_NAME)
    if facts.opted_out:
        return skip(OPTED_OUT, number=facts.number)
    if not manual and origin != RETRY and caps is not None:
        day = caps.deferred_to()
        if day is not None:
            return rules.Decision(
                VOICE,
                lines,
                rules.DEFERRED,
                VOICE_CAP,
                origin=origin,
                defer_day=day,
                args={"day": day},
            )
    if caps is not None and origin != RETRY:
        caps.record()
    return rules.Decision(VOICE, lines, rules.SEND, origin=origin)


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
    """The decisions for one message group whose channels include a call;
    ``choose_rest(channel_lines)`` decides the other channels."""
    voice_lines = list(channel_lines.get(VOICE) or ())
    rest = {channel: list(lines) for channel, lines in channel_lines.items() if channel != VOICE}
    decisions = choose_rest(rest) if rest else []
    if not voice_lines:
        return decisions
    decision = decide(facts, contact.preferred, voice_lines, caps, origin)
    # A call names the company first: without its name and CNPJ it does not go.
    rules.hold([decision], company_missing, closed_until, reaching=(VOICE,))
    return [*decisions, decision]
