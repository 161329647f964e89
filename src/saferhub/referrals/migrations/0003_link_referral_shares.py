"""Link the shares a referral created before ADR 0009 to the referral, so declining or
withdrawing it ends them. Matches what referrals.services.referral_send wrote: the sender's
shares of the person (and case) to the receiving organisation, with the referral's reason,
granted within a minute of sending."""

import datetime

from django.db import migrations

SERVICE_LABELS = {
    "childrens_social_care": "Children's social care",
    "adult_social_care": "Adult social care",
    "fire_home_safety": "Fire and rescue home fire safety check",
    "substance_misuse": "Substance misuse service",
    "victim_support": "Victim support",
    "domestic_abuse_service": "Domestic abuse service (IDVA)",
    "housing": "Housing",
    "mental_health": "Mental health service",
    "other": "Another service",
}


def link_referral_shares(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    RecordShare = apps.get_model("sharing", "RecordShare")
    minute = datetime.timedelta(minutes=1)
    for referral in Referral.objects.order_by("pk"):
        label = SERVICE_LABELS.get(referral.service, referral.service)
        records = [("person", referral.person_id)]
        if referral.case_id:
            records.append(("case", referral.case_id))
        for record_type, record_id in records:
            RecordShare.objects.filter(
                origin_type="",
                record_type=record_type,
                record_id=record_id,
                owner_organisation_id=referral.from_organisation_id,
                organisation_id=referral.to_organisation_id,
                reason=f"Referral to {label.lower()}",
                granted_at__gte=referral.sent_at - minute,
                granted_at__lte=referral.sent_at + minute,
            ).update(origin_type="referral", origin_id=referral.pk)


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0002_referral_withdrawn"),
        ("sharing", "0003_share_origin"),
    ]

    operations = [migrations.RunPython(link_referral_shares, migrations.RunPython.noop)]
