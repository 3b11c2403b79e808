from . import res_company
from . import res_config_settings
from . import sms_segment_mixin
from . import sms_gateway
from . import sms_gateway_dispatch
from . import sms_gateway_message
from . import sms_sms
from . import sms_template
