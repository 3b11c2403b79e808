"""Each customer's best hour, learned from what they did after each contact.

A contact is a reminder that reached the customer (an SMS, an e-mail, a
WhatsApp message, a call), at its local time; it got an answer when, within
``WITHIN_DAYS`` days, the customer paid, wrote back, opened a portal page to
act, or answered the call and confirmed who they are. Contacts fall in the
periods a customer may prefer (``PERIODS``: the keys of
res.partner.dunning_preferred_hours): morning before noon, afternoon until
18h, evening from 18h.

``suggest`` names the period in which the customer answered most often, with
its evidence, when there is enough of it: at least ``MIN_CONTACTS`` contacts
in that period and in at least one other to compare it with, at least half of
them answered, and a rate clearly above every other period that has enough
contacts to compare (``MARGIN``). Nothing
is applied here: a person, or the company's setting, accepts a suggestion.

``hours_for`` says which hours the régua keeps to with one company: the
customer's own preference (chosen on the portal or set by a person) for
every company, else the hours that company learned from its own history,
while it applies learned hours.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import time

MORNING, AFTERNOON, EVENING = "morning", "afternoon", "evening"
PERIODS = (MORNING, AFTERNOON, EVENING)
# What the customer did after a contact.
PAID, ANSWERED, REPLIED, VISITED = "paid", "answered", "replied", "visited"
WITHIN_DAYS = 3
MIN_CONTACTS = 3
MIN_RATE = 0.5
MARGIN = 0.2


def period_of(moment):
    """The period of a local time (or datetime)."""
    clock = moment if isinstance(moment, time) else moment.time()
    if clock < time(12, 0):
        return MORNING
    if clock < time(18, 0):
        return AFTERNOON
    return EVENING


@dataclass(frozen=True)
class Contact:
    moment: object  # local datetime of the contact
    answer: str | None = None  # PAID, ANSWERED, REPLIED, VISITED, or None


@dataclass
class Suggestion:
    period: str
    answered: int  # contacts of that period that got an answer
    contacts: int  # contacts in that period
    kinds: list = field(default_factory=list)  # the answers seen, most frequent first

    @property
    def rate(self):
        return self.answered / self.contacts


def tally(contacts):
    """{period: (contacts, answered, Counter of answers)}."""
    result = {period: [0, 0, Counter()] for period in PERIODS}
    for contact in contacts:
        row = result[period_of(contact.moment)]
        row[0] += 1
        if contact.answer:
            row[1] += 1
            row[2][contact.answer] += 1
    return {period: tuple(row) for period, row in result.items()}


def suggest(contacts, current="any"):
    """The best period for this customer (a ``Suggestion``), or None when the
    history does not tell, or tells what the customer already prefers."""
    rows = tally(contacts)
    enough = {p: row for p, row in rows.items() if row[0] >= MIN_CONTACTS}
    if len(enough) < 2:
        # One period alone tells that the customer answers then, not that it
        # is better than another: the régua contacts at the window's opening,
        # so a good payer's history is mornings only, and suggesting (then
        # applying) "mornings" would only narrow their window.
        return None
    best = max(enough, key=lambda p: (enough[p][1] / enough[p][0], enough[p][1], -PERIODS.index(p)))
    count, answered, kinds = enough[best]
    rate = answered / count
    if rate < MIN_RATE:
        return None
    for other, (n, k, _kinds) in enough.items():
        if other != best and rate - k / n < MARGIN:
            return None  # no clear difference between the periods
    if best == current:
        return None
    return Suggestion(best, answered, count, [kind for kind, _n in kinds.most_common()])


def hours_for(preferred, learned, apply_learned):
    """The hours one company contacts a customer in (a key of
    res.partner.dunning_preferred_hours): the customer's own ``preferred``
    hours (every company), else the hours this company ``learned`` from its
    own history when it applies them (``apply_learned``), else "any"."""
    if preferred and preferred != "any":
        return preferred
    if apply_learned and learned:
        return learned
    return "any"
