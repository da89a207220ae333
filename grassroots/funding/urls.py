from django.urls import path

from grassroots.funding.views import pbround

app_name = "funding"

urlpatterns: list = []  # type: ignore[type-arg]

# Participatory-budgeting rounds (helper pbround).
urlpatterns += [
    path("rounds/<int:pk>/", pbround.round_detail, name="round"),
    path("rounds/<int:pk>/propose/", pbround.propose, name="round_propose"),
    path("rounds/<int:pk>/proposals/", pbround.queue, name="round_queue"),
    path(
        "rounds/<int:pk>/proposals/<int:proposal_pk>/check/",
        pbround.check,
        name="round_check",
    ),
    path("rounds/<int:pk>/ballot/", pbround.ballot, name="round_ballot"),
    path("rounds/<int:pk>/count/", pbround.count, name="round_count"),
    path("rounds/<int:pk>/results/", pbround.results, name="round_results"),
    path("<slug:slug>/rounds/", pbround.round_list, name="rounds"),
    path("<slug:slug>/rounds/new/", pbround.round_new, name="round_new"),
]
