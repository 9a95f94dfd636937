from django.urls import path

from shop.bulk import views

app_name = "bulk"

urlpatterns = [path("", views.quick_order, name="quick-order")]
