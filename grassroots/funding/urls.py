from django.urls import path

from grassroots.funding.views import giving

app_name = "funding"

urlpatterns: list = [  # type: ignore[type-arg]
    # giving: the report, grants' pages and the 360Giving downloads
    path("grants/<int:pk>/", giving.grant_detail, name="grant"),
    path("<slug:slug>/report/", giving.fund_report, name="report"),
    path("<slug:slug>/grants/", giving.grant_list, name="grants"),
    path("<slug:slug>/grants.json", giving.grants_json, name="grants_json"),
    path("<slug:slug>/grants.csv", giving.grants_csv, name="grants_csv"),
]
