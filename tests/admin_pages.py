"""Drive the admin's change pages as an editor's browser does: post back exactly the form that
was shown (the record's fields and every inline formset), with the changes a test makes."""

from django.forms import MultiWidget
from django.urls import reverse


def change_url(record) -> str:
    return reverse(f"admin:deals_{record._meta.model_name}_change", args=[record.pk])


def form_data(response) -> dict:
    """The POST data of an admin change page exactly as it was shown: the record's form and
    every inline formset with its management form."""
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        forms += inline.formset.forms
    for form in forms:
        for name, form_field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(form_field.widget, MultiWidget):
                for i, part in enumerate(form_field.widget.decompress(value)):
                    data[f"{key}_{i}"] = "" if part is None else str(part)
            elif isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            elif value is not None:
                data[key] = value
    return data


def admin_form(client, record, **changes) -> dict:
    response = client.get(change_url(record))
    assert response.status_code == 200
    return {**form_data(response), **changes}
