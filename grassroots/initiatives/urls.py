from django.urls import path
from django.views.generic import RedirectView

from grassroots.initiatives import feeds, views, views_browse

app_name = "initiatives"

urlpatterns: list[object] = [
    # Finding initiatives. These come before any "<slug>/" route, which would swallow them.
    path("", views_browse.initiative_list, name="list"),
    path("map/", views_browse.initiative_map, name="map"),
    path("export.csv", views_browse.initiative_export, name="export"),
    path("feed.atom", feeds.NewInitiativesFeed(), name="feed"),
    # A ward's feed moved to the following app, which carries all of the ward's public activity;
    # readers subscribed to the old address are sent there for good.
    path(
        "feed/ward/<slug:council>/<slug:slug>.atom",
        RedirectView.as_view(pattern_name="following:ward_feed", permanent=True),
        name="ward_feed",
    ),
    # One initiative's own pages and actions ("create/" and "invitations/" before "<slug>/",
    # which would take them).
    path("create/", views.create, name="create"),
    path("invitations/", views.invitations, name="invitations"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/edit/", views.edit, name="edit"),
    path("<slug:slug>/stage/", views.change_stage, name="change_stage"),
    path("<slug:slug>/join/", views.join, name="join"),
    path("<slug:slug>/leave/", views.leave, name="leave"),
    path("<slug:slug>/back/", views.back, name="back"),
    path("<slug:slug>/step-down/", views.step_down, name="step_down"),
    path(
        "<slug:slug>/members/<int:pk>/approve/",
        views.decide,
        {"decision": "approve"},
        name="approve",
    ),
    path(
        "<slug:slug>/members/<int:pk>/decline/",
        views.decide,
        {"decision": "decline"},
        name="decline",
    ),
    path("<slug:slug>/members/<int:pk>/make-lead/", views.make_lead, name="make_lead"),
    path("<slug:slug>/invite/", views.invite, name="invite"),
    path(
        "<slug:slug>/invitations/<int:pk>/accept/",
        views.invitation_answer,
        {"answer": "accept"},
        name="invitation_accept",
    ),
    path(
        "<slug:slug>/invitations/<int:pk>/decline/",
        views.invitation_answer,
        {"answer": "decline"},
        name="invitation_decline",
    ),
    path(
        "<slug:slug>/invitations/<int:pk>/withdraw/",
        views.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("<slug:slug>/needs/add/", views.need_add, name="need_add"),
    path("<slug:slug>/needs/<int:pk>/edit/", views.need_edit, name="need_edit"),
    path("<slug:slug>/needs/<int:pk>/met/", views.need_status, {"status": "met"}, name="need_met"),
    path(
        "<slug:slug>/needs/<int:pk>/reopen/",
        views.need_status,
        {"status": "open"},
        name="need_reopen",
    ),
    path("<slug:slug>/updates/add/", views.update_add, name="update_add"),
    path("<slug:slug>/updates/<int:pk>/photo", views.update_photo, name="update_photo"),
    path("<slug:slug>/milestones/add/", views.milestone_add, name="milestone_add"),
    path(
        "<slug:slug>/milestones/<int:pk>/done/",
        views.milestone_done,
        {"done": "done"},
        name="milestone_done",
    ),
    path(
        "<slug:slug>/milestones/<int:pk>/not-done/",
        views.milestone_done,
        {"done": "not_done"},
        name="milestone_not_done",
    ),
    path("<slug:slug>/outcome/", views.outcome, name="outcome"),
]
