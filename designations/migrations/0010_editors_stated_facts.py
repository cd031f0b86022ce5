"""Editors curate a designee's stated facts as its other child rows; Viewers see them."""

from django.db import migrations


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after the whole migrate run; this migration needs these now.
    app_config = apps.get_app_config("designations")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    facts = Permission.objects.filter(content_type__app_label="designations", codename__endswith="_designeefact")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(*facts.filter(codename__regex=r"^(view|add|change|delete)_"))
    viewers, _ = Group.objects.get_or_create(name="Viewers")
    viewers.permissions.add(*facts.filter(codename="view_designeefact"))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("designations", "0009_designee_stated_facts"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
