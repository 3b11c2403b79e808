from ..consent import consent_state

NUMBER = "+5511987654321"


def test_only_a_consent_given_to_this_company_counts():
    assert consent_state([(NUMBER, 7, "granted")], NUMBER, 7) == "granted"
    assert consent_state([(NUMBER, 8, "granted")], NUMBER, 7) == "none"
    # Recorded without a company (before it was required): no company's.
    assert consent_state([(NUMBER, None, "granted")], NUMBER, 7) == "none"
    assert consent_state([(NUMBER, False, "granted")], NUMBER, 7) == "none"


def test_withdrawn_unless_granted_again():
    assert consent_state([(NUMBER, 7, "revoked")], NUMBER, 7) == "revoked"
    assert consent_state([(NUMBER, 7, "revoked"), (NUMBER, 7, "granted")], NUMBER, 7) == "granted"
    assert consent_state([(NUMBER, 7, "revoked"), (NUMBER, 8, "granted")], NUMBER, 7) == "revoked"


def test_another_number_or_none_is_not_asked():
    assert consent_state([("+5521998765432", 7, "granted")], NUMBER, 7) == "none"
    assert consent_state([(NUMBER, 7, "granted")], None, 7) == "none"
