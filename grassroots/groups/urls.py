from django.urls import URLPattern, URLResolver, path

from grassroots.groups import views

app_name = "groups"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.group_list, name="list"),
    path("create/", views.group_create, name="create"),
    path("<slug:slug>/", views.group_detail, name="detail"),
    path("<slug:slug>/edit/", views.group_edit, name="edit"),
    path("<slug:slug>/join/", views.group_join, name="join"),
    path("<slug:slug>/leave/", views.group_leave, name="leave"),
    path("<slug:slug>/step-down/", views.group_step_down, name="step_down"),
    path("<slug:slug>/archive/", views.group_archive, name="archive"),
    path("<slug:slug>/unarchive/", views.group_unarchive, name="unarchive"),
    path("<slug:slug>/invite/", views.invitation_create, name="invite"),
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
    path("<slug:slug>/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path(
        "<slug:slug>/members/<int:pk>/make-organiser/",
        views.member_make_organiser,
        name="member_make_organiser",
    ),
]
