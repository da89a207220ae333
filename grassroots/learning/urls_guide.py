"""The guide's addresses, under /guide/ (namespace `guide`)."""

from django.urls import path

from grassroots.learning import views_guide as views

app_name = "guide"

urlpatterns = [
    path("", views.index, name="index"),
    path("courses/<slug:slug>/", views.course, name="course"),
    path("courses/<slug:course_slug>/<slug:page_slug>/", views.page, name="page"),
    path("courses/<slug:course_slug>/<slug:page_slug>/reflection", views.reflect, name="reflect"),
    path("courses/<slug:course_slug>/<slug:page_slug>/done", views.done, name="done"),
    path("self-assessment/", views.assessment_index, name="assessments"),
    path("self-assessment/new", views.assessment_new, name="assessment_new"),
    path("self-assessment/<int:pk>/", views.assessment_detail, name="assessment"),
    path("edit/", views.edit_index, name="edit"),
    path("edit/courses/new", views.course_new, name="course_new"),
    path("edit/courses/<slug:slug>/pages/new", views.page_new, name="page_new"),
    path("edit/pages/<int:pk>/", views.history, name="history"),
    path("edit/pages/<int:pk>/revise", views.page_revise, name="revise"),
    path("edit/pages/<int:pk>/compare", views.diff, name="diff"),
    path("edit/pages/<int:pk>/versions/<int:number>/", views.version, name="version"),
    path("edit/pages/<int:pk>/versions/<int:number>/publish", views.publish, name="publish"),
]
