from django.urls import path

from grassroots.directory import views_pages

app_name = "directory"

urlpatterns = [
    path("", views_pages.directory_search, name="search"),
    path("organisations/<uuid:pk>/", views_pages.organization_detail, name="organization"),
    path("organisations/<uuid:pk>/check/", views_pages.listing_confirm, name="confirm"),
    path("services/<uuid:pk>/", views_pages.service_detail, name="service"),
    path("services/<uuid:pk>/correct/", views_pages.suggest_correction, name="correct"),
    path("suggest/", views_pages.suggest_listing, name="suggest"),
    path("suggestions/", views_pages.suggestion_queue, name="queue"),
    path("suggestions/<int:pk>/", views_pages.suggestion_detail, name="suggestion"),
    path("suggestions/<int:pk>/approve/", views_pages.suggestion_approve, name="approve"),
    path("suggestions/<int:pk>/reject/", views_pages.suggestion_reject, name="reject"),
]
