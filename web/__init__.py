"""The shop page and JSON API: a Flask app built around the facade object `box`.

`create_app(box, config)` is the only entry point; appliance/app/lifecycle.py calls it and serves
the app with waitress. Nothing happens at import time.
"""
from __future__ import annotations

import importlib
import logging
from typing import Optional

from flask import Flask

log = logging.getLogger(__name__)


def create_app(box, config: Optional[dict] = None) -> Flask:
    """Build the Flask app for `box`, the facade (appliance/facade/box.py).

    config: Flask settings to override (e.g. TESTING, SECRET_KEY, WTF_CSRF_ENABLED,
    LOGIN_MAX_FAILURES, LOGIN_WINDOW_SECONDS, LOGIN_BOX_LIMIT, LOGIN_BOX_WINDOW_SECONDS). Every
    module in web/blueprints.py is registered.
    The session-signing key is the box's, kept in its data folder, so logins survive restarts.
    """
    from web import errors, security, templating
    from web.blueprints import BLUEPRINT_MODULES

    config = dict(config or {})
    app = Flask(__name__)
    app.config["SECRET_KEY"] = config.pop("SECRET_KEY", None) or box.secret_key()
    app.json.sort_keys = False
    app.config.update(security.CONFIG_DEFAULTS)
    app.config.update(config)
    app.extensions["box"] = box

    security.init_app(app)
    templating.register(app)
    errors.register(app)
    for name in BLUEPRINT_MODULES:
        module = importlib.import_module(name)
        app.register_blueprint(module.bp)
    security.exempt_api(app)
    return app

