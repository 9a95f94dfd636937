from django.urls import path

from crm_embedded.activities import views

urlpatterns = [
    path("activities/", views.activity_list, name="activity-list"),
    path("activities/new/", views.activity_create, name="activity-create"),
    path("activities/<int:pk>/", views.activity_detail, name="activity-detail"),
    path("activities/<int:pk>/comment/", views.activity_comment, name="activity-comment"),
]
