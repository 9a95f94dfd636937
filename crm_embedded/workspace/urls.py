from django.urls import path

from crm_embedded.workspace import views

urlpatterns = [
    path("", views.workspace, name="home"),
]
