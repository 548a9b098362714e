"""The portal for job seekers: map, list, filters, company pages, watch list, legal pages.

``init_portal(app)`` registers it on an app that has a ``Platform`` in
``app.extensions["regiokarte"]``. Templates live under ``portal/`` (plugins extend
``portal/base.html`` by name), static files under ``/portal/static/``.
"""

from webapp.portal.views import init_portal

__all__ = ["init_portal"]
