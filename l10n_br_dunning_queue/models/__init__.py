from . import dunning_engine
