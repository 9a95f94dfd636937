"""The CRM's one URL namespace ``crm``, composed from its rooms' URL lists."""

from crm_embedded.accounts.urls import urlpatterns as accounts
from crm_embedded.activities.urls import urlpatterns as activities
from crm_embedded.contacts.urls import urlpatterns as contacts
from crm_embedded.followups.urls import urlpatterns as followups
from crm_embedded.pipeline.urls import urlpatterns as pipeline
from crm_embedded.prices.urls import urlpatterns as prices
from crm_embedded.quotes.urls_staff import urlpatterns as quotes
from crm_embedded.reports.urls import urlpatterns as reports
from crm_embedded.tasks.urls import urlpatterns as tasks
from crm_embedded.workspace.urls import urlpatterns as workspace

app_name = "crm"

urlpatterns = [
    *workspace,
    *tasks,
    *quotes,
    *accounts,
    *prices,
    *contacts,
    *activities,
    *pipeline,
    *reports,
    *followups,
]
