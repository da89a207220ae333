from django.urls import URLPattern, URLResolver, path

from grassroots.moderation import views

app_name = "moderation"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.queue, name="queue"),
    path("report/<str:kind>/<int:pk>/", views.report, name="report"),
    path("report/sent/", views.report_sent, name="report_sent"),
    path("report/concern-sent/", views.concern_sent, name="concern_sent"),
    path("reports/mine/", views.my_reports, name="my_reports"),
    path("item/<str:kind>/<int:pk>/", views.item_detail, name="item"),
    path("item/<str:kind>/<int:pk>/<str:action>/", views.item_decide, name="item_decide"),
    path("held/<int:pk>/approve/", views.held_approve, name="held_approve"),
    path("held/<int:pk>/reject/", views.held_reject, name="held_reject"),
    path("safeguarding/", views.concerns, name="concerns"),
    path("safeguarding/<int:pk>/", views.concern_detail, name="concern"),
    path("safeguarding/<int:pk>/hide/", views.concern_hide, name="concern_hide"),
    path("safeguarding/<int:pk>/show/", views.concern_restore, name="concern_restore"),
    path("audit/export/", views.audit_export, name="audit_export"),
]
