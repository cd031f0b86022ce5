"""Editors decide mentions in the review queue; Viewers read announcements."""

from django.db import migrations

EDITORS = {"announcement": ("view",), "announcementversion": ("view",), "mention": ("view", "change", "review")}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after the whole migrate run; this migration needs them now.
    app_config = apps.get_app_config("announcements")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    codenames = [f"{action}_{model}" for model, actions in EDITORS.items() for action in actions]
    editors.permissions.add(*Permission.objects.filter(content_type__app_label="announcements", codename__in=codenames))
    viewers, _ = Group.objects.get_or_create(name="Viewers")
    viewers.permissions.add(
        *Permission.objects.filter(content_type__app_label="announcements", codename__startswith="view_")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("announcements", "0001_initial"),
        ("designations", "0004_abuse_categories_and_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
