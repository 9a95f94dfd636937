from django.urls import path

from shop.payment import views

app_name = "payment"
urlpatterns = [path("stripe/webhook/", views.stripe_webhook, name="stripe-webhook")]
