from . import mail_message
from . import mail_notification
from . import whatsapp_account
from . import whatsapp_consent
from . import whatsapp_message
from . import whatsapp_template
from . import whatsapp_template_variable
from . import res_partner
