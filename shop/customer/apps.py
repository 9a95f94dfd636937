from django.urls import path
from django.views.generic import RedirectView
from oscar.apps.customer import apps

# Oscar's URL names stay (its templates use them); allauth does the work behind them.
_ALLAUTH_ROUTES = {
    "register": "account_signup",
    "change-password": "account_change_password",
}


class CustomerConfig(apps.CustomerConfig):
    name = "shop.customer"

    def ready(self):
        super().ready()
        from shop.customer import checks  # noqa: F401  (registers the deploy checks)

    def get_urls(self):
        from allauth.account import views as allauth_views

        from shop.customer.login_door import login_door

        oscar_urls = [
            url
            for url in super().get_urls()
            if getattr(url, "name", None) not in {*_ALLAUTH_ROUTES, "login", "logout"}
        ]
        routed = [
            path(
                f"{name}/",
                RedirectView.as_view(pattern_name=target, query_string=True),
                name=name,
            )
            for name, target in _ALLAUTH_ROUTES.items()
        ]
        # Like every other login URL: to allauth's, keeping only a local `next`.
        routed.append(path("login/", login_door, name="login"))
        routed.append(path("logout/", allauth_views.LogoutView.as_view(), name="logout"))
        return routed + oscar_urls
