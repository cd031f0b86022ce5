"""Identifiers get ``normalised_value``, the value as the ``identifier`` filter compares it, stored and indexed.

The column is added empty, then filled for the rows already there by ``fill_normalised_values``, in batches
by primary key (the SDN list alone holds tens of thousands of identifiers). Reversing removes the column;
there is nothing to undo in the rows.
"""

from django.db import migrations, models

# The one definition of the normalisation: the column must equal what every later write stores.
from designations.models import normalised_identifier

BATCH = 2000


def fill_normalised_values(apps, schema_editor) -> None:
    """Set every identifier's ``normalised_value`` from its ``value``, ``BATCH`` rows at a time."""
    Identifier = apps.get_model("designations", "Identifier")
    last = 0
    while True:
        rows = list(Identifier.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "value")[:BATCH])
        if not rows:
            return
        Identifier.objects.bulk_update(
            [Identifier(pk=pk, normalised_value=normalised_identifier(value)) for pk, value in rows],
            ["normalised_value"],
        )
        last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("designations", "0007_reference_models_moved"),
    ]

    operations = [
        migrations.AddField(
            model_name="identifier",
            name="normalised_value",
            field=models.CharField(
                blank=True,
                db_index=True,
                default="",
                editable=False,
                help_text="The value as compared: no registry prefix (IMO), no spaces, upper case.",
                max_length=500,
            ),
        ),
        migrations.RunPython(fill_normalised_values, migrations.RunPython.noop),
    ]
