"""Every Flask extension instance, created unbound here and initialised in create_app()."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from courses.database import Base

# Objects stay readable after a commit: a view that commits (recording progress) and then renders
# must not reload every row it already has, one query per row.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate(render_as_batch=True, compare_type=True)
csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()  # configured (views, messages, user loader) in courses/auth/access.py
# Storage from RATELIMIT_STORAGE_URI: memory by default, Redis when several servers share limits.
limiter = Limiter(key_func=get_remote_address)
