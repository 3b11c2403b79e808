from . import test_sms_gateway_send
from . import test_sms_gateway_webhooks
from . import test_sms_gateway_access
from . import test_sms_gateway_tour
from . import test_sms_gateway_webhook_fuzz
from . import test_sms_gateway_upgrade
from . import test_sms_gateway_webhook_urls
