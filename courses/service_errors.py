"""The one base of every service's refusals: a rule was broken, `code` says which, the view words it."""

from __future__ import annotations


class ServiceError(ValueError):
    """Raised by a service when a rule refuses the action; views turn `code` into a translated message."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code
