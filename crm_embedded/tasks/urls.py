from django.urls import path

from crm_embedded.tasks import views

urlpatterns = [
    path("tasks/<int:pk>/done/", views.task_done, name="task-done"),
]
