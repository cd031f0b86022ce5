"""Editors confirm or reject an import held for review (``importers.review_importrun``)."""

from django.db import migrations


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after the whole migrate run; this migration needs this one now.
    app_config = apps.get_app_config("importers")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label="importers", codename="review_importrun")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("importers", "0005_importrun_review_and_end_marker"),
        ("designations", "0004_abuse_categories_and_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
