"""The attendance marks as people read them (lazy: translated where they are shown)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ATTENDANCE_NAMES = {"present": _l("Present"), "late": _l("Late"), "excused": _l("Excused"), "absent": _l("Absent")}
