"""Priority setting: /priorities/ and each exercise's pages."""

from django.urls import path

from grassroots.priorities import views

app_name = "priorities"

urlpatterns = [
    path("", views.exercise_list, name="list"),
    path("new/", views.exercise_new, name="new"),
    path("<int:pk>/", views.exercise_detail, name="detail"),
    path("<int:pk>/move-on/", views.exercise_advance, name="advance"),
    path("<int:pk>/suggest/", views.suggest, name="suggest"),
    path("<int:pk>/suggestions/<int:priority_pk>/support/", views.support, name="support"),
    path("<int:pk>/moderate/", views.moderate, name="moderate"),
    path("<int:pk>/suggestions/<int:priority_pk>/merge/", views.merge, name="merge"),
    path("<int:pk>/ballot/", views.ballot, name="ballot"),
    path("<int:pk>/paper/", views.paper_ballot, name="paper"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/results.csv", views.results_csv, name="results_csv"),
    path("<int:pk>/audit/", views.audit, name="audit"),
    path(
        "<int:pk>/suggestions/<int:priority_pk>/initiative/",
        views.start_initiative,
        name="start_initiative",
    ),
]
