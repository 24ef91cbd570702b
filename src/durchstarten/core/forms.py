"""Form pieces shared by all apps: they parse input; services hold the rules."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError


class LoginForm(AuthenticationForm):
    """Django's login form without autofocus, so the skip link stays the first tab stop."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.pop("autofocus", None)


class DateInput(forms.DateInput):
    """The browser's date picker; it submits ISO dates, which Django accepts in every locale."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class CheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Checkboxes whose field id points at the first option, so error links can focus it.

    Keeps Django's class name: templates choose the markup by ``BoundField.widget_type``.
    """

    def id_for_label(self, id_, index=None):
        return super().id_for_label(id_, "0" if index is None else index)


class VersionedForm(forms.Form):
    """Carries the record's version so the service can detect concurrent edits."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def service_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field if the form has one."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)
