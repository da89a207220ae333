from django.urls import path

from grassroots.funding.views import applications, grant_money

app_name = "funding"

urlpatterns: list = [  # type: ignore[type-arg]
    # Applications, declarations and decisions (helper grants).
    path("applications/<int:pk>/", applications.application_detail, name="application"),
    path("applications/<int:pk>/withdraw/", applications.withdraw, name="withdraw"),
    path("applications/<int:pk>/declare/", applications.declare, name="declare"),
    path("applications/<int:pk>/motion/", applications.propose, name="propose"),
    path("motions/<int:pk>/vote/", applications.vote, name="vote"),
    path("motions/<int:pk>/close/", applications.close_motion, name="close_motion"),
    path("grants/<int:pk>/money/", grant_money.grant_money_page, name="grant_money"),
    path("grants/<int:pk>/pay/", grant_money.pay, name="pay"),
    path("grants/<int:pk>/vary/", grant_money.vary, name="vary"),
    path("grants/<int:pk>/returned/", grant_money.take_back, name="take_back"),
    path("grants/<int:pk>/close/", grant_money.close, name="close_grant"),
    path(
        "grants/<int:pk>/transactions/<int:transaction_pk>/correct/",
        grant_money.correct,
        name="correct",
    ),
    path("<slug:slug>/apply/", applications.apply, name="apply"),
    path("<slug:slug>/applications/", applications.fund_applications, name="applications"),
]
