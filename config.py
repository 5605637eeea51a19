"""The configuration lives in :mod:`eventsys.config` (it ships inside the package).

This module stays at the top of the checkout for the layout and for scripts that
``import config``; it re-exports the same objects.
"""
from eventsys.config import *  # noqa: F401,F403
from eventsys.config import (CONFIGS, MIN_SECRET_LENGTH, WEAK_SECRETS, Config, ConfigError,  # noqa: F401
                             DevelopmentConfig, ProductionConfig, TestingConfig, check_production,
                             env, env_bool, normalise_database_url)
