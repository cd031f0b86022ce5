"""Editors review the cross-list links (``allies.PartyLink``) and see the allied entries; Viewers see all."""

from django.db import migrations

EDITORS = {"alliedentry": ("view",), "allieddesignation": ("view",), "partylink": ("view", "add", "change")}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after the whole migrate run; this migration needs these now.
    app_config = apps.get_app_config("allies")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    allied = Permission.objects.filter(content_type__app_label="allies")
    codenames = [f"{action}_{model}" for model, actions in EDITORS.items() for action in actions]
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(*allied.filter(codename__in=codenames))
    viewers, _ = Group.objects.get_or_create(name="Viewers")
    viewers.permissions.add(*allied.filter(codename__startswith="view_"))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("allies", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
