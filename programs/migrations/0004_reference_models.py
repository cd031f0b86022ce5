"""Country, CountryName and Citation (with its history) join the reference layer, keeping their tables.

State only (see ``designations`` 0007): the models were created by the designations app and keep its table
names (``Meta.db_table``, the history's ``table_name``) and constraint names, so no table is created,
renamed or copied. The countries an authority or a program targets point at the same rows.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("programs", "0003_updated_at_index"),
        ("designations", "0006_designation_reason_source_and_more"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Country",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True, db_index=True)),
                        ("code", models.CharField(max_length=2, unique=True)),
                        ("name", models.CharField(max_length=100)),
                        (
                            "numeric",
                            models.CharField(blank=True, help_text="ISO 3166-1 numeric code, for maps.", max_length=3),
                        ),
                    ],
                    options={
                        "verbose_name_plural": "countries",
                        "db_table": "designations_country",
                        "ordering": ("name",),
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("code__regex", "^[A-Z]{2}$")),
                                name="designations_country_code_is_alpha2",
                                violation_error_message="A country code is two upper-case letters.",
                            )
                        ],
                    },
                ),
                migrations.AlterField(
                    model_name="authority",
                    name="target_countries",
                    field=models.ManyToManyField(blank=True, related_name="authorities", to="programs.country"),
                ),
                migrations.AlterField(
                    model_name="program",
                    name="target_countries",
                    field=models.ManyToManyField(blank=True, related_name="programs", to="programs.country"),
                ),
                migrations.CreateModel(
                    name="CountryName",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "name",
                            models.CharField(
                                help_text="Spelled exactly as the source publishes it.", max_length=100, unique=True
                            ),
                        ),
                        (
                            "country",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="spellings",
                                to="programs.country",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "designations_countryname",
                        "ordering": ("name",),
                    },
                ),
                migrations.CreateModel(
                    name="HistoricalCitation",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        ("created_at", models.DateTimeField(blank=True, editable=False)),
                        ("object_id", models.PositiveBigIntegerField()),
                        (
                            "field",
                            models.CharField(
                                blank=True, help_text="The fact cited; blank for the whole record.", max_length=50
                            ),
                        ),
                        ("url", models.URLField(max_length=1000)),
                        ("title", models.CharField(max_length=500)),
                        (
                            "published_on",
                            models.DateField(blank=True, help_text="Date of the cited document.", null=True),
                        ),
                        ("note", models.CharField(blank=True, max_length=500)),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        (
                            "history_type",
                            models.CharField(
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                            ),
                        ),
                        (
                            "content_type",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="contenttypes.contenttype",
                            ),
                        ),
                        (
                            "history_user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical citation",
                        "verbose_name_plural": "historical citations",
                        "db_table": "designations_historicalcitation",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="Citation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True, db_index=True)),
                        ("object_id", models.PositiveBigIntegerField()),
                        (
                            "field",
                            models.CharField(
                                blank=True, help_text="The fact cited; blank for the whole record.", max_length=50
                            ),
                        ),
                        ("url", models.URLField(max_length=1000)),
                        ("title", models.CharField(max_length=500)),
                        (
                            "published_on",
                            models.DateField(blank=True, help_text="Date of the cited document.", null=True),
                        ),
                        ("note", models.CharField(blank=True, max_length=500)),
                        (
                            "content_type",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="contenttypes.contenttype",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "designations_citation",
                        "ordering": ("content_type", "object_id", "field", "pk"),
                        "indexes": [
                            models.Index(fields=["content_type", "object_id"], name="designation_content_f8fa9d_idx")
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
