"""The editors' admin site: Django's admin with optional TOTP two-factor sign-in.

An editor who has a confirmed TOTP device (added by an administrator under "TOTP devices",
which shows the QR code to scan) must give its code at sign-in; one without signs in with the
password alone. Repeated failures lock the account out (django-axes).
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device
from django_otp.forms import OTPAuthenticationFormMixin


class OptionalOTPAdminAuthenticationForm(AdminAuthenticationForm, OTPAuthenticationFormMixin):
    """Password, then a TOTP code for users who have set one up."""

    otp_device = forms.CharField(required=False, widget=forms.HiddenInput)
    otp_token = forms.CharField(
        label=_("Two-factor code"),
        required=False,
        help_text=_("Only if two-factor sign-in is set up for your account."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    otp_challenge = forms.CharField(required=False, widget=forms.HiddenInput)

    def _chosen_device(self, user):
        # Editors have one kind of device, TOTP; use theirs when the form names none.
        device = super()._chosen_device(user)
        if device is None:
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        return device

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is not None and user_has_device(user):
            self.clean_otp(user)
        return cleaned


class EditorsAdminSite(admin.AdminSite):
    site_header = _("dealtracker editors")
    site_title = _("dealtracker")
    index_title = _("Deals, companies, meetings and their sources")
    login_form = OptionalOTPAdminAuthenticationForm

    def has_permission(self, request):
        user = request.user
        if not super().has_permission(request):
            return False
        # A user with a device must have signed in with it in this session.
        return not user_has_device(user) or user.is_verified()
