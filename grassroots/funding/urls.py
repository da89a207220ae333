from django.urls import path

from grassroots.funding.views import (
    applications,
    giving,
    grant_asset,
    grant_money,
    partners,
    pbround,
    plans,
)

app_name = "funding"

urlpatterns: list = [  # type: ignore[type-arg]
    # giving: the report, grants' pages and the 360Giving downloads
    path("grants/<int:pk>/", giving.grant_detail, name="grant"),
    path("<slug:slug>/report/", giving.fund_report, name="report"),
    path("<slug:slug>/grants/", giving.grant_list, name="grants"),
    path("<slug:slug>/grants.json", giving.grants_json, name="grants_json"),
    path("<slug:slug>/grants.csv", giving.grants_csv, name="grants_csv"),
]

# Applications, declarations, decisions and grants' money (helper grants).
urlpatterns += [
    path("applications/<int:pk>/", applications.application_detail, name="application"),
    path("applications/<int:pk>/withdraw/", applications.withdraw, name="withdraw"),
    path("applications/<int:pk>/declare/", applications.declare, name="declare"),
    path("applications/<int:pk>/motion/", applications.propose, name="propose"),
    path("motions/<int:pk>/vote/", applications.vote, name="vote"),
    path("motions/<int:pk>/close/", applications.close_motion, name="close_motion"),
    path("motions/<int:pk>/withdraw/", applications.withdraw_motion, name="withdraw_motion"),
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
    path(
        "rounds/<int:pk>/proposals/<int:proposal_pk>/withdraw/",
        pbround.withdraw,
        name="round_withdraw",
    ),
    path("rounds/<int:pk>/ballot/", pbround.ballot, name="round_ballot"),
    path("rounds/<int:pk>/count/", pbround.count, name="round_count"),
    path("rounds/<int:pk>/results/", pbround.results, name="round_results"),
    path("<slug:slug>/rounds/", pbround.round_list, name="rounds"),
    path("<slug:slug>/rounds/new/", pbround.round_new, name="round_new"),
]

# Funds, plans and partnerships. `<slug:slug>/` (a fund's page) answers any one-word address
# under /funds/: a page of one word ("/funds/grants/") must come before it in this list, and
# its word must be in `services.partners.RESERVED_SLUGS` so no fund takes it.
urlpatterns += [
    path("", partners.fund_list, name="list"),
    path("new/", partners.fund_new, name="fund_new"),
    path("partnerships/new/", partners.partnership_new, name="partnership_new"),
    path("partnerships/<slug:slug>/", partners.partnership_detail, name="partnership"),
    path("partnerships/<slug:slug>/members/add/", partners.member_add, name="member_add"),
    path(
        "partnerships/<slug:slug>/members/<int:pk>/", partners.member_change, name="member_change"
    ),
    path(
        "partnerships/<slug:slug>/members/<int:pk>/leave/",
        partners.member_end,
        name="member_end",
    ),
    path("partnerships/<slug:slug>/quorum/", partners.quorum, name="quorum"),
    path("<slug:slug>/", partners.fund_detail, name="fund"),
    path("<slug:slug>/plan/", plans.plan_history, name="plan_history"),
    path("<slug:slug>/plan/revise/", plans.plan_revise, name="plan_revise"),
    path("<slug:slug>/plan/carry-in/", plans.plan_carry_in, name="plan_carry_in"),
    path("<slug:slug>/plan/compare/", plans.plan_compare, name="plan_compare"),
    path("<slug:slug>/plan/<int:number>/", plans.plan_revision, name="plan_revision"),
]

# Which place that matters a grant is for (issue 13, community assets).
urlpatterns += [path("grants/<int:pk>/place/", grant_asset.grant_asset, name="grant_asset")]
