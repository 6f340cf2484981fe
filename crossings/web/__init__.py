"""The web face: a read-only FastAPI app over the store (``crossings serve``).

``create_app(store, engine)`` builds it; ``api`` holds the JSON/CSV routes
under ``/api/v1``, ``pages`` the server-rendered pages. The library below
never imports this package.
"""

from crossings.web.app import create_app

__all__ = ["create_app"]
