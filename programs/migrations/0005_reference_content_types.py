"""The moved models' content types follow them to ``programs``, with their permissions.

Renaming the content types (rather than letting new ones be created) keeps every permission granted on
countries, spellings and citations, the groups that hold them, and the admin's log entries. A database
where both exist (content types are created per app after each ``migrate``) keeps the ``programs`` one, moves
the old one's group grants to its permissions, and drops the old one.
"""

from django.db import migrations

MOVED = ("country", "countryname", "citation", "historicalcitation")


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for model in MOVED:
        old = ContentType.objects.filter(app_label="designations", model=model).first()
        if old is None:
            continue
        new = ContentType.objects.filter(app_label="programs", model=model).first()
        if new is None:
            old.app_label = "programs"
            old.save(update_fields=["app_label"])
            continue
        for permission in Permission.objects.filter(content_type=old):
            twin = Permission.objects.filter(content_type=new, codename=permission.codename).first()
            if twin is not None:
                for group in Group.objects.filter(permissions=permission):
                    group.permissions.add(twin)
        old.delete()


def move_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="programs", model__in=MOVED).update(app_label="designations")


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("programs", "0004_reference_models"),
        ("designations", "0007_reference_models_moved"),
    ]

    operations = [migrations.RunPython(move_content_types, move_back)]
