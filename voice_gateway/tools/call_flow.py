"""The conversation of a reminder call, as a plain state machine.

CDC art. 42 forbids exposing a debtor to ridicule or to third parties: the
call says nothing about a debt before the person who answers confirms, with
a key, that they are the customer. Whoever else answers, and an answering
machine, hears only the company's name and a number to call back.

    start ── machine ─────────────────────────────> MACHINE (company, number)
      │
      └─ greeting "Se for Maria, tecle 1" ── 1 ──> CONFIRMED: the message, the menu
             │                         └─ other ─> OTHER_PERSON (company, number)
             └─ nothing twice ──────────────────> NO_CONFIRMATION
    menu: 1 link by SMS/WhatsApp, 2 talk to the team (transfer, else a call
    back), 3 already paid, 9 no more calls; nothing twice: goodbye.

Providers whose API plays one message and collects one digit (Zenvia, Infobip)
play ``single_step``: the greeting with the offer to receive the link, so
that a "1" both confirms and asks for the link; nothing about the debt is
said aloud there either.
"""

from dataclasses import dataclass, field

# Steps (the state the provider's next request carries).
START, IDENTIFY, MENU = "start", "identify", "menu"
STEPS = (START, IDENTIFY, MENU)

# Outcomes of a call (voice.call.state, with the provider's own: busy, ...).
CONFIRMED = "confirmed"  # the customer confirmed who they are
OTHER_PERSON = "other_person"  # someone else answered
NO_CONFIRMATION = "no_confirmation"  # answered, nobody pressed a key
MACHINE = "machine"  # an answering machine or voicemail
BUSY = "busy"
NO_ANSWER = "no_answer"
FAILED = "failed"
ANSWERED = (CONFIRMED, OTHER_PERSON, NO_CONFIRMATION)
# A call worth one more try on the next business day.
RETRIED = (BUSY, NO_ANSWER)

# The customer's choices in the menu (the keys they press).
LINK, TALK, PAID, OPT_OUT = "link", "talk", "paid", "opt_out"
MENU_KEYS = {"1": LINK, "2": TALK, "3": PAID, "9": OPT_OUT}
CONFIRM_KEY = "1"


@dataclass
class Script:
    """The texts of one call, already written for the customer (their name, the
    company's, the amount and the due date in words) in their language."""

    greeting: str  # company and customer only: "..., se for Maria, tecle 1"
    machine: str  # company and a number to call back only
    other_person: str  # the same, said to whoever is not the customer
    message: str  # after confirmation: amount and due date
    menu: str
    replies: dict  # {LINK: ..., TALK: ..., "talk_callback": ..., PAID: ..., OPT_OUT: ...}
    goodbye: str  # nobody pressed anything
    single_step: str = ""  # one-message providers: greeting + "1 for the link"
    language: str = "pt-BR"
    voice: str = ""  # the provider's voice name, when set
    transfer_number: str = ""  # E.164: where "2" transfers the call

    @classmethod
    def from_dict(cls, data):
        known = {name for name in cls.__dataclass_fields__}
        return cls(**{key: value for key, value in (data or {}).items() if key in known})


@dataclass
class Turn:
    """What the call does now: say these texts, then wait for one key (``gather``
    names the step that reads it) or hang up (``dial``: transfer instead)."""

    say: list = field(default_factory=list)
    gather: str | None = None
    attempt: int = 0  # of the gathered step (a repeated question counts 1)
    dial: str = ""
    outcome: str | None = None  # settled by this turn
    choice: str | None = None  # the customer's menu choice, when made now


def is_machine(answered_by):
    """Twilio's AnsweredBy (and the like): a machine, a fax or a beep."""
    value = (answered_by or "").lower()
    return value.startswith("machine") or value == "fax"


def next_turn(script, step, digits="", answered_by="", attempt=0):
    """The turn that follows ``step`` once ``digits`` were pressed (empty: none)."""
    digits = (digits or "").strip()[:1]
    if step == START:
        if is_machine(answered_by):
            return Turn(say=[script.machine], outcome=MACHINE)
        return Turn(say=[script.greeting], gather=IDENTIFY)
    if step == IDENTIFY:
        if digits == CONFIRM_KEY:
            return Turn(say=[script.message, script.menu], gather=MENU, outcome=CONFIRMED)
        if digits:
            return Turn(say=[script.other_person], outcome=OTHER_PERSON)
        if attempt == 0:
            return Turn(say=[script.greeting], gather=IDENTIFY, attempt=1)
        return Turn(say=[script.goodbye], outcome=NO_CONFIRMATION)
    if step == MENU:
        choice = MENU_KEYS.get(digits)
        if choice == TALK and script.transfer_number:
            return Turn(say=[script.replies[TALK]], dial=script.transfer_number, choice=TALK)
        if choice == TALK:
            return Turn(say=[script.replies["talk_callback"]], choice=TALK)
        if choice:
            return Turn(say=[script.replies[choice]], choice=choice)
        if attempt == 0:
            return Turn(say=[script.menu], gather=MENU, attempt=1)
        return Turn(say=[script.goodbye])
    raise ValueError(f"unknown step {step!r}")


def single_step_outcome(answered, digits="", answered_by=""):
    """(outcome, choice) of a one-message call (Zenvia, Infobip): a "1" after
    the greeting confirms the person and asks for the link."""
    if not answered:
        return None, None
    if is_machine(answered_by):
        return MACHINE, None
    digits = (digits or "").strip()[:1]
    if digits == CONFIRM_KEY:
        return CONFIRMED, LINK
    if digits:
        return OTHER_PERSON, None
    return NO_CONFIRMATION, None
