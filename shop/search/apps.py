import oscar.apps.search.apps as apps
from django.urls import path


class SearchConfig(apps.SearchConfig):
    name = "shop.search"

    def ready(self):
        super().ready()
        from shop.search import receivers

        receivers.connect()

    def get_urls(self):
        from shop.search.views_autocomplete import autocomplete

        urlpatterns = super().get_urls()
        urlpatterns.append(path("autocomplete/", autocomplete, name="autocomplete"))
        return self.post_process_urls(urlpatterns)
