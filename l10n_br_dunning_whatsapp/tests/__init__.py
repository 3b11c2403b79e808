from . import test_dunning_whatsapp
from . import test_dunning_whatsapp_portal
from . import test_whatsapp_probe
