from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import HttpResponse
from django.urls import include, path

from directives.api.feeds import calendar_feed
from directives.login import LoginForm
from directives.views import reminders as reminders_views


def healthz(request):
    """For load balancers and the container health check: the process answers and the database too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Reminders for a monitor: JSON, 503 when mail is failing or the sweep is late (views/reminders.py).
    path("healthz/reminders", reminders_views.reminders_health_json, name="healthz_reminders"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("directives.api.urls")),
    path("calendar/<str:secret>.ics", calendar_feed, name="calendar_feed"),
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("", include("directives.urls")),
]

# Error pages in the product's language and style (DEBUG off); see tracker/errors.py.
handler400 = "tracker.errors.bad_request"
handler403 = "tracker.errors.permission_denied"
handler404 = "tracker.errors.page_not_found"
handler500 = "tracker.errors.server_error"
