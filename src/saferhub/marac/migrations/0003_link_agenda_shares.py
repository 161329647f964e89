"""Link the shares an agenda created before ADR 0009 to their agenda item, so taking the case
off the agenda ends them. Matches what marac.services.agenda_add wrote: the case owner's
shares to the meeting's organisations, with the meeting's reason and expiry, of the case
and its linked records; the case share becomes the parent of the others."""

import datetime

from django.db import migrations


def link_agenda_shares(apps, schema_editor):
    AgendaItem = apps.get_model("marac", "AgendaItem")
    RecordShare = apps.get_model("sharing", "RecordShare")
    Case = apps.get_model("cases", "Case")
    CasePerson = apps.get_model("cases", "CasePerson")
    for item in AgendaItem.objects.select_related("meeting", "referral").order_by("pk"):
        meeting = item.meeting
        case = Case.objects.get(pk=item.referral.case_id)
        records = {("case", case.pk)}
        records |= {
            ("person", pk)
            for pk in CasePerson.objects.filter(case_id=case.pk).values_list("person_id", flat=True)
        }
        records |= {("incident", pk) for pk in case.incidents.values_list("pk", flat=True)}
        records |= {("place", pk) for pk in case.places.values_list("pk", flat=True)}
        held = meeting.held_on
        candidates = RecordShare.objects.filter(
            origin_type="",
            owner_organisation_id=case.owner_organisation_id,
            organisation_id__in=meeting.organisations.values_list("pk", flat=True),
            reason=f"MARAC on {held.day} {held:%B %Y}: case on the agenda",
            expires_on=held + datetime.timedelta(days=meeting.share_days),
        ).order_by("pk")
        parents: dict[int, int] = {}
        linked = [s for s in candidates if (s.record_type, s.record_id) in records]
        for share in linked:
            if share.record_type == "case":
                parents.setdefault(share.organisation_id, share.pk)
        for share in linked:
            share.origin_type = "marac_agenda_item"
            share.origin_id = item.pk
            parent = parents.get(share.organisation_id)
            if share.record_type != "case" and parent and share.cascaded_from_id is None:
                share.cascaded_from_id = parent
            share.save(update_fields=["origin_type", "origin_id", "cascaded_from"])


class Migration(migrations.Migration):
    dependencies = [
        ("marac", "0002_initial"),
        ("cases", "0005_flag_rules_and_case_history"),
        ("sharing", "0003_share_origin"),
    ]

    operations = [migrations.RunPython(link_agenda_shares, migrations.RunPython.noop)]
