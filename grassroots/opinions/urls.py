"""Opinion maps: /opinions/ and each map's pages."""

from django.urls import URLPattern, URLResolver, path

from grassroots.opinions import views

app_name = "opinions"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.map_list, name="list"),
    path("new/", views.start, name="start"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/vote/", views.vote, name="vote"),
    path("<int:pk>/statements/new/", views.add_statement, name="add_statement"),
    path("<int:pk>/statements/seed/", views.seed, name="seed"),
    path("<int:pk>/moderate/", views.moderate, name="moderate"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/export.zip", views.export, name="export"),
]
