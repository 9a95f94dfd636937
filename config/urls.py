from django.apps import apps
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.admin.sites import AdminSite
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from config import views
from shop.customer.login_door import OTHER_LOGIN_PATHS, login_door


def _superuser_only(self, request) -> bool:
    return request.user.is_active and request.user.is_superuser


# Django admin is for superusers; account managers work in the CRM, editors in Wagtail.
AdminSite.has_permission = _superuser_only
# Its login view too is only a way to allauth's (the URL below already wins; this covers
# anything that calls the site's login view directly).
admin.site.login = lambda request, extra_context=None: login_door(request)

# allauth's login is the one door (rate limited, verification enforced): the other apps'
# login URLs lead there. These come before the apps' own URLs so that they win.
urlpatterns = [path(login_path, login_door) for login_path in OTHER_LOGIN_PATHS]

# Wagtail's catch-all serves content pages, so it comes last.
urlpatterns += [
    path("healthz", views.healthz, name="healthz"),
    path("bench/trivial", views.trivial, name="bench-trivial"),
    path("django-admin/", admin.site.urls),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("crm/", include("crm_embedded.urls")),
    path("shop/company/part-numbers/", include("shop.partnumbers.urls")),
    path("shop/company/", include("shop.companies.urls")),
    path("shop/approvals/", include("shop.approvals.urls")),
    path("shop/quotes/", include("crm_embedded.quotes.urls_buyer")),
    path("shop/follow-ups/", include("crm_embedded.followups.urls_buyer")),
    path("shop/payment/", include("shop.payment.urls")),
    path("shop/notifications/", include("shop.notifications.urls")),
    path("shop/documents/", include("orders.documents.urls")),
    path("shop/webhooks/", include("shop.webhooks.urls")),
    path("shop/fulfilment/", include("orders.urls")),
    path("shop/integrations/", include("shop.integrations.dashboard_urls")),
    path("api/v1/", include("shop.integrations.urls")),
    # /shop/ is the catalogue (Oscar's own '' sends it to OSCAR_HOMEPAGE, the CMS home).
    path("shop/", RedirectView.as_view(pattern_name="catalogue:index"), name="shop-index"),
    path("search/", include("cms.search.urls")),
    path("shop/", include("shop.bulk.urls")),
    path("shop/", include(apps.get_app_config("oscar").urls[0])),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
