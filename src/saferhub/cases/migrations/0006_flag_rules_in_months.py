"""Flag rule windows in calendar months (the issue's and DOMAIN.md's unit) instead of days,
and a version for optimistic locking of the settings page. Stored day windows are carried
over as the nearest whole number of months (91 days -> 3, 365 -> 12)."""

from typing import Any

from django.db import migrations, models

WINDOWS = ("repeat_victim", "repeat_perpetrator", "repeat_location", "escalation", "marac")


def days_to_months(apps: Any, schema_editor: Any) -> None:
    rules = apps.get_model("cases", "PartnershipFlagRules")
    for row in rules.objects.all():
        for name in WINDOWS:
            days = getattr(row, f"{name}_days")
            setattr(row, f"{name}_months", max(1, min(36, round(days / 30.4))))
        row.save()


def months_to_days(apps: Any, schema_editor: Any) -> None:
    rules = apps.get_model("cases", "PartnershipFlagRules")
    for row in rules.objects.all():
        for name in WINDOWS:
            months = getattr(row, f"{name}_months")
            setattr(row, f"{name}_days", 365 if months == 12 else round(months * 30.4))
        row.save()


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_flag_rules_and_case_history")]

    operations = [
        migrations.AddField(
            model_name="partnershipflagrules",
            name="repeat_victim_months",
            field=models.PositiveSmallIntegerField(default=3),
        ),
        migrations.AddField(
            model_name="partnershipflagrules",
            name="repeat_perpetrator_months",
            field=models.PositiveSmallIntegerField(default=12),
        ),
        migrations.AddField(
            model_name="partnershipflagrules",
            name="repeat_location_months",
            field=models.PositiveSmallIntegerField(default=3),
        ),
        migrations.AddField(
            model_name="partnershipflagrules",
            name="escalation_months",
            field=models.PositiveSmallIntegerField(default=12),
        ),
        migrations.AddField(
            model_name="partnershipflagrules",
            name="marac_months",
            field=models.PositiveSmallIntegerField(default=12),
        ),
        migrations.AddField(
            model_name="partnershipflagrules",
            name="version",
            field=models.PositiveIntegerField(default=1),
        ),
        migrations.RunPython(days_to_months, months_to_days),
        migrations.RemoveField(model_name="partnershipflagrules", name="repeat_victim_days"),
        migrations.RemoveField(model_name="partnershipflagrules", name="repeat_perpetrator_days"),
        migrations.RemoveField(model_name="partnershipflagrules", name="repeat_location_days"),
        migrations.RemoveField(model_name="partnershipflagrules", name="escalation_days"),
        migrations.RemoveField(model_name="partnershipflagrules", name="marac_days"),
    ]
