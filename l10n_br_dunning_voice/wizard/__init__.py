from . import dunning_preview_line
from . import dunning_send_wizard
