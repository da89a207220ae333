from django.urls import URLPattern, URLResolver, path

from grassroots.learning import views_cases as views

app_name = "cases"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.case_list, name="list"),
    path("feed/", views.CaseStudiesFeed(), name="feed"),
    path("yours/", views.case_mine, name="mine"),
    path("new/", views.case_new, name="new"),
    path("start/<slug:slug>/", views.case_start, name="start"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/contacts/", views.contact_add, name="contact_add"),
    path("<int:pk>/contacts/<int:contact>/remove/", views.contact_remove, name="contact_remove"),
    path("<int:pk>/reflect/", views.case_reflect, name="reflect"),
    path("<int:pk>/submit/", views.case_submit, name="submit"),
    path("<int:pk>/send-for-approval/", views.case_send_for_approval, name="send_for_approval"),
    path("<int:pk>/approve/", views.case_approve, name="approve"),
    path("<int:pk>/request-changes/", views.case_request_changes, name="request_changes"),
    path("<int:pk>/publish/", views.case_publish, name="publish"),
    path("<int:pk>/withdraw/", views.case_withdraw, name="withdraw"),
]
