from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "gallery.accounts"
    label = "accounts"
    verbose_name = "Accounts"
