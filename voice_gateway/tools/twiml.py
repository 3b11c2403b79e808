"""A call's turn as TwiML (Twilio's markup for what a call does).

https://www.twilio.com/docs/voice/twiml: ``<Say language="pt-BR">`` speaks,
``<Gather input="dtmf" numDigits="1" actionOnEmptyResult="true">`` waits for
one key and posts it (or nothing) to its ``action``, ``<Dial>`` transfers,
``<Hangup/>`` ends.
"""

from xml.sax.saxutils import escape, quoteattr

GATHER_SECONDS = 6


def render(turn, script, action_url=None):
    """The TwiML document of ``turn``; ``action_url`` receives the key pressed
    when the turn waits for one."""
    voice = f" voice={quoteattr(script.voice)}" if script.voice else ""
    language = quoteattr(script.language or "pt-BR")
    says = "".join(
        f"<Say language={language}{voice}>{escape(text)}</Say>" for text in turn.say if text
    )
    if turn.gather:
        if not action_url:
            raise ValueError("a turn that waits for a key needs its action URL")
        body = (
            f'<Gather input="dtmf" numDigits="1" timeout="{GATHER_SECONDS}" '
            f'actionOnEmptyResult="true" method="POST" action={quoteattr(action_url)}>'
            f"{says}</Gather>"
        )
    elif turn.dial:
        body = f"{says}<Dial>{escape(turn.dial)}</Dial>"
    else:
        body = f"{says}<Hangup/>"
    return f'<?xml version="1.0" encoding="UTF-8"?><Response>{body}</Response>'
