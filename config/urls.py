from django.apps import apps
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.admin.sites import AdminSite
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from config import views


def _superuser_only(self, request) -> bool:
    return request.user.is_active and request.user.is_superuser


# Django admin is for superusers; account managers work in the CRM, editors in Wagtail.
AdminSite.has_permission = _superuser_only

# Wagtail's catch-all serves content pages, so it comes last.
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("bench/trivial", views.trivial, name="bench-trivial"),
    path("django-admin/", admin.site.urls),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("crm/", include("crm_embedded.urls")),
    path("shop/company/", include("shop.companies.urls")),
    path("shop/quotes/", include("crm_embedded.quotes.urls_buyer")),
    path("shop/", include("shop.bulk.urls")),
    path("shop/", include(apps.get_app_config("oscar").urls[0])),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
