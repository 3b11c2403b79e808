from . import dunning_channel
from . import dunning_event
from . import dunning_stage
from . import dunning_voice_script
from . import res_company
from . import res_config_settings
from . import voice_call
