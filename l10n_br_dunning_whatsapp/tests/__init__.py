from . import test_dunning_whatsapp
from . import test_dunning_whatsapp_portal
