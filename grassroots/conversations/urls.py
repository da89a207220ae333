from django.urls import URLPattern, URLResolver, path

from grassroots.conversations import views

app_name = "conversations"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.conversation_list, name="list"),
    path("start/<str:kind>/<str:key>/", views.start, name="start"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/reply/", views.reply, name="reply"),
    path("<int:pk>/threads/<int:post_pk>/", views.thread, name="thread"),
    path("<int:pk>/replies/<int:post_pk>/", views.post_link, name="post"),
    path("<int:pk>/replies/<int:post_pk>/change/", views.edit, name="edit"),
    path("<int:pk>/replies/<int:post_pk>/remove/", views.remove, name="remove"),
    path("<int:pk>/replies/<int:post_pk>/agree/", views.agree, name="agree"),
    path("<int:pk>/summary/", views.summary, name="summary"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/access/", views.access, name="access"),
]
