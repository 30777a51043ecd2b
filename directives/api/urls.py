from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from directives.api import views

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI with its init script served as a separate file (the CSP forbids inline scripts).
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
    path("me/", views.Me.as_view(), name="me"),
    path("directives/", views.DirectiveList.as_view(), name="directive_list"),
    path("directives/<int:pk>/", views.DirectiveDetail.as_view(), name="directive_detail"),
    path("tasks/", views.TaskList.as_view(), name="task_list"),
    path("tasks/<int:pk>/", views.TaskDetail.as_view(), name="task_detail"),
    path("tasks/<int:pk>/reports/", views.TaskReports.as_view(), name="task_reports"),
    path("tasks/<int:pk>/extensions/", views.TaskExtensions.as_view(), name="task_extensions"),
    path("extensions/", views.ExtensionList.as_view(), name="extension_list"),
    path("extensions/<int:pk>/decide/", views.ExtensionDecide.as_view(), name="extension_decide"),
    path("targets/", views.TargetList.as_view(), name="target_list"),
    path("targets/<int:pk>/", views.TargetDetail.as_view(), name="target_detail"),
    path("targets/<int:pk>/update/", views.TargetUpdate.as_view(), name="target_update"),
    path("dashboard/", views.Dashboard.as_view(), name="dashboard"),
    # Anything else under /api/ (a negative id, a typo) answers JSON too, not the HTML 404 page.
    re_path(r"^.*$", views.NotFound.as_view()),
]
