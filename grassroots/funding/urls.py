from django.urls import path

from grassroots.funding.views import giving, pbround

app_name = "funding"

urlpatterns: list = [  # type: ignore[type-arg]
    # giving: the report, grants' pages and the 360Giving downloads
    path("grants/<int:pk>/", giving.grant_detail, name="grant"),
    path("<slug:slug>/report/", giving.fund_report, name="report"),
    path("<slug:slug>/grants/", giving.grant_list, name="grants"),
    path("<slug:slug>/grants.json", giving.grants_json, name="grants_json"),
    path("<slug:slug>/grants.csv", giving.grants_csv, name="grants_csv"),
]

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
