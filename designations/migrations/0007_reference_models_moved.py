"""Country, CountryName and Citation (with its history) now belong to the reference layer (``programs``).

State only: the models keep their tables (``designations_country``, ``designations_countryname``,
``designations_citation``, ``designations_historicalcitation``), so ``migrate`` changes no table and loses
no row; the foreign keys of designees' identifiers, addresses, places of birth and country links point at
the same rows, now under ``programs.Country``.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("designations", "0006_designation_reason_source_and_more"),
        ("programs", "0004_reference_models"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="citation",
                    name="content_type",
                ),
                migrations.AlterField(
                    model_name="placeofbirth",
                    name="country",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="programs.country",
                    ),
                ),
                migrations.AlterField(
                    model_name="identifier",
                    name="country",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="programs.country",
                    ),
                ),
                migrations.AlterField(
                    model_name="address",
                    name="country",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="programs.country",
                    ),
                ),
                migrations.AlterField(
                    model_name="designeecountry",
                    name="country",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="designee_links",
                        to="programs.country",
                    ),
                ),
                migrations.RemoveField(
                    model_name="countryname",
                    name="country",
                ),
                migrations.RemoveField(
                    model_name="historicalcitation",
                    name="content_type",
                ),
                migrations.RemoveField(
                    model_name="historicalcitation",
                    name="history_user",
                ),
                migrations.DeleteModel(
                    name="Citation",
                ),
                migrations.DeleteModel(
                    name="Country",
                ),
                migrations.DeleteModel(
                    name="CountryName",
                ),
                migrations.DeleteModel(
                    name="HistoricalCitation",
                ),
            ],
            database_operations=[],
        ),
    ]
