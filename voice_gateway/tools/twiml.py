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
    language = script.language or "pt-BR"
    # The account's voice is a Brazilian Portuguese one (Polly.Camila by
    # default): a script in another language is read by Twilio's own voice for
    # that language, not with a Portuguese accent.
    portuguese = language.lower().startswith("pt")
    voice = f" voice={quoteattr(script.voice)}" if script.voice and portuguese else ""
    language = quoteattr(language)
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
