from . import sms_composer
from . import sms_gateway_test_wizard
