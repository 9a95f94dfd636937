from django.urls import path

from shop.notifications import views

app_name = "notifications"
urlpatterns = [
    path("preferences/", views.preferences, name="preferences"),
    path("log/", views.NotificationLogListView.as_view(), name="log-list"),
    path("log/<int:pk>/", views.NotificationLogDetailView.as_view(), name="log-detail"),
    path("log/<int:pk>/resend/", views.NotificationResendView.as_view(), name="log-resend"),
]
