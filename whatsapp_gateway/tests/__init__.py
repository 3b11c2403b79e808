from . import test_whatsapp_access
from . import test_whatsapp_send
from . import test_whatsapp_webhook_fuzz
from . import test_whatsapp_webhooks
from . import test_whatsapp_waconf_probe
from . import test_whatsapp_account_delete
