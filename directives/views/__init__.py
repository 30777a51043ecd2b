"""Views by area. A view guards (login, the user's organization), validates with a form,
calls one service or selector, then redirects or renders."""
