"""Every link in the error summary lands on a control that exists on the page."""

from __future__ import annotations

import re

from django import forms
from django.template.loader import render_to_string


class ChoicesForm(forms.Form):
    name = forms.CharField()
    colour = forms.ChoiceField(choices=[("r", "Red"), ("g", "Green")], widget=forms.RadioSelect)
    sizes = forms.MultipleChoiceField(
        choices=[("s", "Small"), ("l", "Large")], widget=forms.CheckboxSelectMultiple
    )


def test_error_links_point_at_the_first_option_of_a_group() -> None:
    form = ChoicesForm(data={})
    assert not form.is_valid()
    html = "".join(
        render_to_string(name, {"form": form, "field": form[field]})
        for name, field in [
            ("includes/error_summary.html", "name"),
            ("includes/field.html", "name"),
            ("includes/field.html", "colour"),
            ("includes/field.html", "sizes"),
        ]
    )
    targets = re.findall(r'<a href="#([^"]+)"', html)
    assert targets == ["id_name", "id_colour_0", "id_sizes_0"]
    for target in targets:
        assert f'id="{target}"' in html
