"""The CRM's demo data, room by room, in dependency order (contacts before activities)."""

from crm_embedded.accounts import demo as accounts_demo
from crm_embedded.activities import demo as activities_demo
from crm_embedded.contacts import demo as contacts_demo
from crm_embedded.pipeline import demo as pipeline_demo
from crm_embedded.tasks import demo as tasks_demo


def crm_demo_ensure() -> list[tuple[str, int]]:
    """Create the missing CRM demo rows; return (what, how many created) per room."""
    return [
        ("contacts", contacts_demo.demo_ensure()),
        ("opportunities", pipeline_demo.demo_ensure()),
        ("tasks", tasks_demo.demo_ensure()),
        ("activities", activities_demo.demo_ensure()),
        ("account events", accounts_demo.demo_ensure()),
    ]
