"""Whether a customer agreed to WhatsApp on a number, for a company."""

GRANTED, REVOKED, NONE = "granted", "revoked", "none"


def consent_state(consents, number, company_id):
    """granted / revoked / none for ``number`` in company ``company_id``, from
    one customer's ``consents`` [(number, company id, state)]: only a consent
    given to that company counts (each company is its own controller of the
    customer's data; one without a company, recorded before the company was
    required, covers none); one granted is enough."""
    if not number:
        return NONE
    states = [
        state
        for consent_number, consent_company, state in consents
        if consent_number == number and consent_company and consent_company == company_id
    ]
    if GRANTED in states:
        return GRANTED
    return REVOKED if states else NONE
