from django.urls import path

from grassroots.support import views

app_name = "support"

urlpatterns = [
    path("initiatives/<slug:slug>/", views.initiative_support, name="initiative"),
    path("initiatives/<slug:slug>/offer", views.offer, name="offer"),
    path("initiatives/<slug:slug>/invite", views.invite, name="invite"),
    path("initiatives/<slug:slug>/ask", views.ask_for_help, name="ask"),
    path("offers/<int:pk>/withdraw", views.support_withdraw, name="withdraw"),
    path("offers/<int:pk>/accept", views.support_accept, name="accept"),
    path("offers/<int:pk>/decline", views.support_decline, name="decline"),
    path("offers/<int:pk>/status", views.support_status, name="status"),
    path("offers/<int:pk>/feedback", views.support_feedback, name="feedback"),
    path("offers/<int:pk>/case", views.case_open, name="case_open"),
    path("invitations/<int:pk>/withdraw", views.invitation_withdraw, name="invitation_withdraw"),
    path("help-requests/", views.help_inbox, name="help_requests"),
    path("help/<int:pk>/take", views.help_take, name="take"),
    path("help/<int:pk>/withdraw", views.help_withdraw, name="help_withdraw"),
    path("cases/", views.case_list, name="cases"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/status", views.case_move, name="case_move"),
    path("cases/<int:pk>/decide", views.case_decide, name="case_decide"),
    path("cases/<int:pk>/transfer", views.case_transfer, name="case_transfer"),
]
