"""Seed the abuse and conduct vocabulary and create the Editors and Viewers groups.

The role definitions are frozen here as they stood when this migration was written; the
``setup_roles`` command applies the current definitions (``designations.services.ROLE_PERMISSIONS``)
and is safe to run after every deployment.
"""

from django.db import migrations

CATEGORIES = [
    ("corruption", "Corruption", "Misappropriation of state assets, bribery, corrupt contracts, kleptocracy."),
    ("extrajudicial-killing", "Extrajudicial killing", "Killings outside any judicial process, by or for the state."),
    ("torture", "Torture", "Torture and other cruel, inhuman or degrading treatment."),
    ("arbitrary-detention", "Arbitrary detention", "Detention without legal basis or due process."),
    ("enforced-disappearance", "Enforced disappearance", "Abduction or secret detention of people by the state."),
    ("repression-of-protest", "Repression of protest", "Violence against or mass arrest of peaceful protesters."),
    (
        "undermining-democracy",
        "Undermining democracy",
        "Election fraud, coups, dismantling democratic institutions or processes.",
    ),
    (
        "persecution",
        "Persecution of religious or ethnic groups",
        "Abuses aimed at people for their religion, ethnicity or beliefs.",
    ),
    ("forced-labor", "Forced labor", "Forced or compulsory labor, including state-imposed labor programs."),
    ("sexual-violence", "Sexual and gender-based violence", "Rape and other sexual or gender-based violence."),
    (
        "censorship",
        "Censorship and attacks on journalists",
        "Silencing of the press, of critics or of human rights defenders.",
    ),
    ("transnational-repression", "Transnational repression", "Targeting dissidents and diaspora abroad."),
    ("other-abuse", "Other serious human rights abuse", "Serious human rights abuse not covered above."),
]

CHILDREN = ("alias", "identifier", "address", "birthdate", "placeofbirth", "designeecountry", "relationship")
EDITORS = {
    "designations": {
        "designee": ("view", "add", "change", "review", "merge"),
        **{child: ("view", "add", "change", "delete") for child in CHILDREN},
        "designation": ("view", "add", "change", "review"),
        "citation": ("view", "add", "change", "delete"),
        "sourcedocument": ("view", "add", "change"),
        "designationevent": ("view",),
        "country": ("view",),
        "countryname": ("view",),
        "abusecategory": ("view",),
        "designeemerge": ("view",),
        "historicaldesignee": ("view",),
        "historicaldesignation": ("view",),
        "historicalcitation": ("view",),
        "historicalabusecategory": ("view",),
    },
    "programs": {
        "program": ("view", "add", "change"),
        "authority": ("view", "add", "change"),
        "authorityevent": ("view", "add", "change", "delete"),
        "historicalprogram": ("view",),
        "historicalauthority": ("view",),
        "historicalauthorityevent": ("view",),
    },
    "importers": {"importrun": ("view", "add")},
}
APPS = ("designations", "programs", "importers")


def seed(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after the whole migrate run; this migration needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    AbuseCategory = apps.get_model("designations", "AbuseCategory")
    for code, name, description in CATEGORIES:
        AbuseCategory.objects.get_or_create(code=code, defaults={"name": name, "description": description})

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    for app_label, models in EDITORS.items():
        for model, actions in models.items():
            codenames = [f"{action}_{model}" for action in actions]
            editors.permissions.add(
                *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            )
    viewers, _ = Group.objects.get_or_create(name="Viewers")
    viewers.permissions.add(
        *Permission.objects.filter(content_type__app_label__in=APPS, codename__startswith="view_")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("designations", "0003_editorial_workspace"),
        ("programs", "0002_history"),
        ("importers", "0003_importrun_started_by"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
