from typing import Any

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def notes_belong_to_the_case_department(apps: Any, schema_editor: Any) -> None:
    """Until now no case changed department, so each internal note was written by officers of
    its case's department: record that, so the note stays theirs if the case is passed on."""
    CaseMessage = apps.get_model("support", "CaseMessage")
    AdvocacyCase = apps.get_model("support", "AdvocacyCase")
    CaseMessage.objects.filter(internal=True, department__isnull=True).update(
        department_id=models.Subquery(
            AdvocacyCase.objects.filter(pk=models.OuterRef("case_id")).values("department_id")[:1]
        )
    )


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_user_ward_and_officer_links'),
        ('support', '0003_helprequest_one_waiting_per_question'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CaseTransfer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.TextField(verbose_name='reason')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'ordering': ['created_at', 'id'],
            },
        ),
        migrations.AddField(
            model_name='casemessage',
            name='department',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.department'),
        ),
        migrations.RunPython(
            notes_belong_to_the_case_department, migrations.RunPython.noop, elidable=True
        ),
        migrations.AddConstraint(
            model_name='casemessage',
            constraint=models.CheckConstraint(condition=models.Q(('internal', False), ('department__isnull', False), _connector='OR'), name='internal_note_has_department'),
        ),
        migrations.AddField(
            model_name='casetransfer',
            name='by',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='casetransfer',
            name='case',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='transfers', to='support.advocacycase'),
        ),
        migrations.AddField(
            model_name='casetransfer',
            name='from_department',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.department', verbose_name='from'),
        ),
        migrations.AddField(
            model_name='casetransfer',
            name='to_department',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.department', verbose_name='to'),
        ),
        migrations.AddConstraint(
            model_name='casetransfer',
            constraint=models.CheckConstraint(condition=models.Q(('from_department', models.F('to_department')), _negated=True), name='transfer_changes_department'),
        ),
    ]
