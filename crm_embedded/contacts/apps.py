from django.apps import AppConfig


class ContactsConfig(AppConfig):
    """People at client companies, with roles, consent and duplicate detection."""

    name = "crm_embedded.contacts"
    label = "crm_contacts"
    verbose_name = "CRM contacts"
