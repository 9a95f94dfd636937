from django.urls import path

from shop.partnumbers import views

app_name = "partnumbers"

urlpatterns = [
    path("", views.part_number_list, name="list"),
    path("add/", views.part_number_add, name="add"),
    path("<int:pk>/edit/", views.part_number_edit, name="edit"),
    path("<int:pk>/delete/", views.part_number_delete, name="delete"),
    path("upload/", views.part_number_upload, name="upload"),
    path("part-numbers.csv", views.part_number_download, name="download"),
]
