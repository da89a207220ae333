"""Postcode: the same unique constraint and ward index, without PostgreSQL's extra LIKE indexes."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('places', '0006_councillor_surgeries_are_events'),
    ]

    operations = [
        migrations.AlterField(
            model_name='postcode',
            name='postcode',
            field=models.CharField(max_length=8, verbose_name='postcode'),
        ),
        migrations.AlterField(
            model_name='postcode',
            name='ward_code',
            field=models.CharField(blank=True, max_length=9, verbose_name='ward GSS code'),
        ),
        migrations.AddIndex(
            model_name='postcode',
            index=models.Index(fields=['ward_code'], name='places_postcode_ward_code'),
        ),
        migrations.AddConstraint(
            model_name='postcode',
            constraint=models.UniqueConstraint(fields=('postcode',), name='places_postcode_unique'),
        ),
    ]
