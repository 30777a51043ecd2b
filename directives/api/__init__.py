"""The REST API (`/api/`): Django REST Framework over the same selectors and services as the
web UI, an OpenAPI 3 schema by drf-spectacular at `/api/schema/` and its documentation at
`/api/docs/` (Swagger UI from drf-spectacular-sidecar's static files, no CDN).

- authentication.py  personal access tokens (Authorization: Bearer tdn_…), stored hashed
- permissions.py     the token's scope (read, or read and report); roles stay in directives.permissions
- serializers.py     the shapes in and out
- views.py           thin: fetch through a selector, check with directives.permissions, call a service
- errors.py          every error as JSON {"detail", "code", "errors"} in Vietnamese
- feeds.py           the iCalendar feed of a user's deadlines (`/calendar/<secret>.ics`)
- account.py         the account page where tokens and the calendar address are created and revoked
"""
