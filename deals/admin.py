"""The editors' admin: declarative lists, search in both languages, inlines for every part of a
record, and history. Writes with rules go through deals.services, never around them."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ERROR_FLAG
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin, ImportExportMixin
from import_export.results import RowResult
from simple_history.admin import SimpleHistoryAdmin

from . import editorial, resources, services, spreadsheets
from .models import (
    Attendance,
    Company,
    Deal,
    DealEvent,
    DealMeeting,
    DealParty,
    ExchangeRate,
    Meeting,
    PartyRole,
    Person,
    Project,
    ProjectParty,
    Source,
)
from .models.base import Disclosure

# --- Shared ---------------------------------------------------------------------------------


class PostedIdsOnlyMixin:
    """Autocomplete widgets that redisplay only posted values that can be ids.

    Django's autocomplete widget looks up whatever was posted when it redraws a refused form,
    so a tampered `company=abc` turned the form's error page into a server error.
    """

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = IdsOnlyAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = IdsOnlyAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        kwargs.setdefault("form_class", IdsCheckedMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class IdsCheckedMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses posted ids out of the id column's range before looking them up: SQLite cannot
    even be asked about 2**63, and Django's check asked it, a server error."""

    def _check_values(self, value):
        target = self.queryset.model._meta.pk
        for item in value if isinstance(value, list | tuple) else []:
            try:
                target.clean(item, None)
            except ValidationError:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": item},
                ) from None
        return super()._check_values(value)


class IdsOnlyMixin:
    def optgroups(self, name, value, attr=None):
        target = self.field.target_field
        ids = []
        for item in value:
            try:
                ids.append(str(target.clean(item, None)))
            except ValidationError:
                continue
        return super().optgroups(name, ids, attr)


class IdsOnlyAutocompleteSelect(IdsOnlyMixin, AutocompleteSelect):
    pass


class IdsOnlyAutocompleteSelectMultiple(IdsOnlyMixin, AutocompleteSelectMultiple):
    pass


class VersionedRecordForm(forms.ModelForm):
    """Carries the version the editor started from, and refuses the save when someone else
    saved the record meanwhile (checked under a row lock, so two concurrent saves cannot both
    pass). An optional reason goes into the history beside the new version."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    change_reason = forms.CharField(
        label=_("Reason for this change"),
        required=False,
        max_length=100,
        help_text=_("Optional; shown in the history beside this version."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            try:
                editorial.record_lock(
                    record=self.instance, expected_version=cleaned.get("loaded_version")
                )
            except editorial.EditConflict as conflict:
                raise ValidationError(conflict.message, code="conflict") from conflict
        return cleaned


def _run_on_each(modeladmin, request, queryset, step, done_message):
    done = 0
    for record in queryset:
        try:
            step(record)
            done += 1
        except (ValidationError, PermissionDenied) as error:
            text = " ".join(getattr(error, "messages", [str(error)]))
            modeladmin.message_user(
                request,
                gettext("%(record)s: %(problem)s") % {"record": record, "problem": text},
                messages.ERROR,
            )
    if done:
        modeladmin.message_user(request, done_message % {"count": done}, messages.SUCCESS)


@admin.action(description=_("Submit the selected records for review"))
def submit_selected(modeladmin, request, queryset):
    _run_on_each(
        modeladmin,
        request,
        queryset,
        lambda r: editorial.record_submit(record=r, by=request.user),
        gettext("%(count)d submitted for review."),
    )


@admin.action(description=_("Publish the selected records"), permissions=["publish"])
def publish_selected(modeladmin, request, queryset):
    _run_on_each(
        modeladmin,
        request,
        queryset,
        lambda r: editorial.record_publish(record=r, by=request.user),
        gettext("%(count)d published."),
    )


@admin.action(description=_("Send the selected records back to draft"), permissions=["publish"])
def send_back_selected(modeladmin, request, queryset):
    _run_on_each(
        modeladmin,
        request,
        queryset,
        lambda r: editorial.record_send_back(record=r, by=request.user),
        gettext("%(count)d sent back to draft."),
    )


@admin.action(description=_("Unpublish the selected records silently"), permissions=["publish"])
def unpublish_selected(modeladmin, request, queryset):
    _run_on_each(
        modeladmin,
        request,
        queryset,
        lambda r: editorial.record_unpublish(record=r, by=request.user),
        gettext("%(count)d unpublished."),
    )


def _merge_action(merge, description):
    """An action that folds one of two selected records into the other, after asking which
    one survives."""

    @admin.action(description=description, permissions=["publish"])
    def action(modeladmin, request, queryset):
        records = list(queryset[:3])
        if len(records) != 2:
            modeladmin.message_user(
                request, gettext("Select exactly two records to merge."), messages.ERROR
            )
            return None
        survivor_pk = request.POST.get("survivor")
        if survivor_pk:
            survivor = next((r for r in records if str(r.pk) == survivor_pk), None)
            duplicate = next((r for r in records if str(r.pk) != survivor_pk), None)
            if survivor is None:
                modeladmin.message_user(
                    request, gettext("Choose which record to keep."), messages.ERROR
                )
                return None
            try:
                merge(survivor=survivor, duplicate=duplicate, by=request.user)
            except (ValidationError, PermissionDenied) as error:
                text = " ".join(getattr(error, "messages", [str(error)]))
                modeladmin.message_user(request, text, messages.ERROR)
                return None
            modeladmin.message_user(
                request,
                gettext("Merged %(duplicate)s into %(survivor)s.")
                % {"duplicate": duplicate, "survivor": survivor},
                messages.SUCCESS,
            )
            return None
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": gettext("Merge two %(things)s")
            % {"things": modeladmin.opts.verbose_name_plural},
            "opts": modeladmin.opts,
            "records": records,
            "action": request.POST.get("action"),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/deals/merge_confirm.html", context)

    action.__name__ = f"merge_{merge.__name__}"
    return action


merge_companies = _merge_action(editorial.company_merge, _("Merge two duplicate companies"))
merge_people = _merge_action(editorial.person_merge, _("Merge two duplicate people"))


WORKFLOW_BUTTONS = {
    "_submit_review": (editorial.record_submit, _("Submitted for review.")),
    "_publish": (editorial.record_publish, _("Published.")),
    "_send_back": (editorial.record_send_back, _("Sent back to draft.")),
    "_unpublish": (editorial.record_unpublish, _("Unpublished.")),
}


class RecordAdmin(PostedIdsOnlyMixin, SimpleHistoryAdmin):
    """What every record's admin shares: publication workflow, no lost edits, history with
    revert, restore of deleted records."""

    form = VersionedRecordForm
    actions = [submit_selected, publish_selected, send_back_selected, unpublish_selected]
    readonly_fields = ("publication", "published_at", "version", "created_at", "updated_at")
    list_per_page = 50
    save_on_top = True
    show_full_result_count = False  # no COUNT(*) over the whole table on every list page
    change_form_template = "admin/deals/record_change_form.html"
    history_list_display = ["revert_link"]

    publication_fieldset = (
        _("Publication"),
        {
            "fields": (
                "slug",
                ("publication", "published_at"),
                ("withdrawal_note", "withdrawal_note_ko"),
                ("version", "created_at", "updated_at"),
                "change_reason",
                "loaded_version",
            )
        },
    )

    def has_publish_permission(self, request):
        return request.user.has_perm(editorial.PUBLISH_PERMISSION)

    def save_model(self, request, obj, form, change):
        editorial.record_next_version(
            record=obj, expected_version=form.cleaned_data.get("loaded_version")
        )
        if form.cleaned_data.get("change_reason"):
            obj._change_reason = form.cleaned_data["change_reason"]
        super().save_model(request, obj, form, change)

    def response_change(self, request, obj):
        for button, (step, done) in WORKFLOW_BUTTONS.items():
            if button in request.POST:
                try:
                    obj.refresh_from_db()
                    kwargs = {}
                    if button == "_unpublish":
                        kwargs = {"note": obj.withdrawal_note, "note_ko": obj.withdrawal_note_ko}
                    step(record=obj, by=request.user, **kwargs)
                    self.message_user(request, done, messages.SUCCESS)
                except (ValidationError, PermissionDenied) as error:
                    text = " ".join(getattr(error, "messages", [str(error)]))
                    self.message_user(request, text, messages.ERROR)
                return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_publish"] = self.has_publish_permission(request)
        context["record"] = obj
        return super().render_change_form(request, context, add, change, form_url, obj)

    # History: revert (with relations) and restore of deleted records, for desk editors.

    def revert_disabled(self, request, obj=None):
        # simple-history's own revert restores a record's fields only; ours also restores its
        # parties, events, attendance and source links.
        return True

    @admin.display(description=_("revert"))
    def revert_link(self, historical):
        url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_revert",
            args=[historical.id, historical.history_id],
        )
        return format_html('<a href="{}">{}</a>', url, gettext("Revert to this version"))

    def changelist_view(self, request, extra_context=None):
        # PostgreSQL cannot compare text with a NUL, so ?publication__exact=%00 was a server
        # error; like any lookup the admin cannot use, it goes back to the list with ?e=1.
        if any("\x00" in key + value for key, values in request.GET.lists() for value in values):
            return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
        return super().changelist_view(request, extra_context)

    def get_search_results(self, request, queryset, search_term):
        # No stored text holds a NUL, and PostgreSQL refuses to compare one: the autocomplete's
        # ?term=%00 was a server error.
        return super().get_search_results(request, queryset, search_term.replace("\x00", ""))

    def history_view(self, request, object_id, extra_context=None):
        # simple-history looks the id up as given, so /admin/deals/deal/abc/history/ was a
        # ValueError and a server error: an address that is not an id is not found.
        try:
            self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            raise Http404 from None
        return super().history_view(request, object_id, extra_context)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/history/<int:history_id>/revert/",
                self.admin_site.admin_view(self.revert_view),
                name=f"{info[0]}_{info[1]}_revert",
            ),
            path(
                "deleted/",
                self.admin_site.admin_view(self.deleted_view),
                name=f"{info[0]}_{info[1]}_deleted",
            ),
            *super().get_urls(),
        ]

    def revert_view(self, request, object_id, history_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_publish_permission(request):
            raise PermissionDenied
        old = get_object_or_404(obj.history, history_id=history_id)
        latest = obj.history.order_by("-history_date", "-history_id").first()
        if request.method == "POST":
            try:
                editorial.record_revert(record=obj, history_id=history_id, by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("Reverted to version %(version)s.") % {"version": old.version},
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(
                reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
            )
        delta = latest.diff_against(old, excluded_fields=["version", "updated_at"])
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Revert %(record)s to version %(version)s")
            % {"record": obj, "version": old.version},
            "opts": self.opts,
            "object": obj,
            "old": old,
            "changes": [
                (self.opts.get_field(c.field).verbose_name, c.new, c.old) for c in delta.changes
            ],
        }
        return TemplateResponse(request, "admin/deals/revert_confirm.html", context)

    def deleted_view(self, request):
        if not self.has_publish_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            try:
                record = editorial.record_restore(
                    model=self.model,
                    history_id=int(request.POST.get("history_id", 0)),
                    by=request.user,
                )
            except (ValidationError, ValueError) as error:
                self.message_user(
                    request, " ".join(getattr(error, "messages", [str(error)])), messages.ERROR
                )
                return HttpResponseRedirect(request.path)
            self.message_user(
                request, gettext("Restored %(record)s.") % {"record": record}, messages.SUCCESS
            )
            return HttpResponseRedirect(
                reverse(
                    f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[record.pk]
                )
            )
        existing = self.model.objects.values("pk")
        deleted = (
            self.model.history.filter(history_type="-")
            .exclude(id__in=existing)
            .select_related("history_user")
            .order_by("-history_date")[:200]
        )
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Deleted %(things)s") % {"things": self.opts.verbose_name_plural},
            "opts": self.opts,
            "deleted": deleted,
        }
        return TemplateResponse(request, "admin/deals/deleted_records.html", context)


# --- Import and export (deals/resources.py holds the rules) ------------------------------------


class RecordExportMixin(ExportMixin):
    """Export of the list as it is filtered, to CSV, XLSX or JSON, for anyone who may view it
    (IMPORT_EXPORT_EXPORT_PERMISSION_CODE)."""

    export_formats = spreadsheets.EXPORT_FORMATS


class RecordImportExportMixin(ImportExportMixin, RecordExportMixin):
    """Import of CSV and XLSX files for anyone who may add records
    (IMPORT_EXPORT_IMPORT_PERMISSION_CODE): a preview of every row, problems named by row and
    column, then all rows in one transaction as drafts, or none."""

    import_formats = spreadsheets.IMPORT_FORMATS
    import_form_class = spreadsheets.ImportFileForm
    import_template_name = "admin/deals/import.html"

    def get_import_context_data(self, **kwargs):
        return {
            **super().get_import_context_data(**kwargs),
            "import_max_bytes": settings.IMPORT_MAX_BYTES,
        }

    def get_import_data_kwargs(self, **kwargs):
        # The confirmed import rolls back on a bad row too, not only on a crash; a row can turn
        # bad after the preview when someone adds the same slug meanwhile.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        result = getattr(response, "context_data", {}).get("result")
        if result is not None:
            response.context_data["problems"] = resources.import_problems(result)
        return response

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, spreadsheets.ImportFileError):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def process_import(self, request, **kwargs):
        try:
            return super().process_import(request, **kwargs)
        except spreadsheets.ImportFileError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(self._import_url())

    def process_result(self, result, request):
        problems = resources.import_problems(result)
        if problems:
            self.message_user(
                request,
                gettext("Nothing was imported. %(problems)s") % {"problems": " ".join(problems)},
                messages.ERROR,
            )
            return HttpResponseRedirect(self._import_url())
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        self.message_user(
            request,
            gettext("Imported %(count)d %(things)s as drafts.")
            % {
                "count": result.totals[RowResult.IMPORT_TYPE_NEW],
                "things": self.opts.verbose_name_plural,
            },
            messages.SUCCESS,
        )

    def _import_url(self) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")


def _money_column(record) -> str:
    if record.amount is None:
        return gettext("undisclosed")
    amount = f"{record.amount.normalize():,f}"
    text = f"{record.get_amount_qualifier_display()} {record.currency} {amount}"
    if record.disclosure == Disclosure.ESTIMATED:
        text += " " + gettext("(estimate)")
    return text


class SourceLinkedAdmin(RecordAdmin):
    autocomplete_fields = ("sources",)


# --- Sources and money ----------------------------------------------------------------------


@admin.register(Source)
class SourceAdmin(RecordExportMixin, RecordAdmin):
    resource_classes = [resources.SourceResource]
    list_display = ("__str__", "publisher", "published_on", "language", "url", "publication")
    list_filter = ("publication", "language", "publisher")
    search_fields = ("title", "title_ko", "publisher", "publisher_ko", "url")
    prepopulated_fields = {"slug": ("publisher", "title")}
    date_hierarchy = "published_on"
    fieldsets = (
        (None, {"fields": ("url", ("title", "title_ko"), ("publisher", "publisher_ko"))}),
        (
            _("When and in what language"),
            {"fields": (("published_on", "published_on_precision"), "language")},
        ),
        RecordAdmin.publication_fieldset,
    )


@admin.register(ExchangeRate)
class ExchangeRateAdmin(RecordExportMixin, RecordAdmin):
    resource_classes = [resources.ExchangeRateResource]
    list_display = ("currency", "date", "rate", "source", "publication")
    list_filter = ("currency", "publication")
    list_select_related = ("source",)
    search_fields = ("currency", "note", "note_ko")
    autocomplete_fields = ("source",)
    prepopulated_fields = {"slug": ("currency", "date")}
    date_hierarchy = "date"
    fieldsets = (
        (None, {"fields": (("currency", "date", "rate"), "source", ("note", "note_ko"))}),
        RecordAdmin.publication_fieldset,
    )

    def save_model(self, request, obj, form, change):
        # Through the service, so every USD figure in the currency follows the rate.
        if form.cleaned_data.get("change_reason"):
            obj._change_reason = form.cleaned_data["change_reason"]
        services.exchange_rate_save(
            rate=obj, expected_version=form.cleaned_data.get("loaded_version")
        )


# --- Companies and people -------------------------------------------------------------------


class SubsidiaryInline(PostedIdsOnlyMixin, admin.TabularInline):
    model = Company
    fk_name = "parent"
    fields = ("name", "name_ko", "kind", "country", "publication")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = _("subsidiary")
    verbose_name_plural = _("subsidiaries")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Company)
class CompanyAdmin(RecordImportExportMixin, SourceLinkedAdmin):
    resource_classes = [resources.CompanyResource]
    list_display = ("name", "name_ko", "kind", "country", "parent", "publication", "updated_at")
    list_filter = ("publication", "kind", "country")
    list_select_related = ("parent",)
    search_fields = ("name", "name_ko", "aliases", "slug")
    autocomplete_fields = ("parent", "sources")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [SubsidiaryInline]
    actions = [*RecordAdmin.actions, merge_companies]
    fieldsets = (
        (
            None,
            {"fields": (("name", "name_ko"), "aliases", ("kind", "country"), "parent", "website")},
        ),
        (_("Description"), {"fields": ("description", "description_ko")}),
        (_("Sources"), {"fields": ("sources",)}),
        RecordAdmin.publication_fieldset,
    )


@admin.register(Person)
class PersonAdmin(RecordExportMixin, RecordAdmin):
    resource_classes = [resources.PersonResource]
    list_display = ("name", "name_ko", "title", "company", "publication")
    list_filter = ("publication",)
    list_select_related = ("company",)
    search_fields = (
        "name",
        "name_ko",
        "aliases",
        "title",
        "title_ko",
        "company__name",
        "company__name_ko",
    )
    autocomplete_fields = ("company",)
    prepopulated_fields = {"slug": ("name",)}
    actions = [*RecordAdmin.actions, merge_people]
    fieldsets = (
        (None, {"fields": (("name", "name_ko"), "aliases", ("title", "title_ko"), "company")}),
        RecordAdmin.publication_fieldset,
    )


# --- Deals ----------------------------------------------------------------------------------


class RowConstraintsFormSet(BaseInlineFormSet):
    """Checks each new or changed row's unique constraints against the saved rows too.

    Django leaves the parent's key out of an inline row's own checks and compares rows only
    with each other, so a row repeating one that is saved but not on the form (another editor
    added it meanwhile, or the form was stale) reached the database and failed there as a
    server error.
    """

    def clean(self):
        super().clean()
        for form in self.forms:
            if form.errors or not form.has_changed() or self._should_delete_form(form):
                continue
            try:
                form.instance.validate_constraints(exclude=form._get_validation_exclusions())
            except ValidationError as error:
                form.add_error(None, error.messages)


class DealPartyFormSet(RowConstraintsFormSet):
    """Checks the parties together (no supplier that is also the buyer, no role twice), with
    one clear message and nothing saved. What a deal needs to be published is checked when a
    desk editor publishes it."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        parties = [
            (form.cleaned_data["company"], form.cleaned_data["role"])
            for form in self.forms
            if form.cleaned_data.get("company") and not form.cleaned_data.get("DELETE")
        ]
        problems = services.deal_party_problems(deal=self.instance, parties=parties)
        if problems:
            raise ValidationError(problems)


class DealPartyInline(PostedIdsOnlyMixin, admin.TabularInline):
    model = DealParty
    formset = DealPartyFormSet
    fields = ("company", "role", "note", "note_ko")
    autocomplete_fields = ("company",)
    extra = 0
    min_num = 0


class DealEventInline(PostedIdsOnlyMixin, admin.TabularInline):
    model = DealEvent
    fields = ("date", "date_precision", "status", "source", "note", "note_ko")
    autocomplete_fields = ("source",)
    extra = 0


class DealMeetingInline(PostedIdsOnlyMixin, admin.TabularInline):
    model = DealMeeting
    formset = RowConstraintsFormSet
    fields = ("meeting", "role")
    autocomplete_fields = ("meeting",)
    extra = 0
    verbose_name = _("meeting")
    verbose_name_plural = _("meetings where it was discussed or announced")


@admin.register(Deal)
class DealAdmin(RecordImportExportMixin, SourceLinkedAdmin):
    resource_classes = [resources.DealResource]
    list_display = (
        "title",
        "parties_column",
        "quantity_column",
        "value_column",
        "status",
        "announced_on",
        "publication",
    )
    list_display_links = ("title",)
    list_filter = (
        "publication",
        "status",
        "kind",
        "product_category",
        "disclosure",
        "parties__company__country",
    )
    search_fields = (
        "title",
        "title_ko",
        "product",
        "product_ko",
        "slug",
        "parties__company__name",
        "parties__company__name_ko",
    )
    autocomplete_fields = ("project", "sources")
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "announced_on"
    readonly_fields = (
        *RecordAdmin.readonly_fields,
        "status",
        "status_on",
        "announced_on",
        "usd_amount",
        "usd_rate",
    )
    inlines = [DealPartyInline, DealEventInline, DealMeetingInline]
    fieldsets = (
        (None, {"fields": (("title", "title_ko"), "kind", ("summary", "summary_ko"))}),
        (
            _("What"),
            {
                "fields": (
                    ("product", "product_ko"),
                    "product_category",
                    ("quantity_qualifier", "quantity", "quantity_unit"),
                )
            },
        ),
        (
            _("Value"),
            {
                "fields": (
                    ("disclosure", "amount_qualifier"),
                    ("amount", "currency"),
                    ("amount_note", "amount_note_ko"),
                    ("usd_amount", "usd_rate"),
                )
            },
        ),
        (
            _("Status (from the latest event)"),
            {"fields": (("status", "status_on"), "announced_on")},
        ),
        (_("Project and sources"), {"fields": ("project", "sources")}),
        RecordAdmin.publication_fieldset,
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("parties", queryset=DealParty.objects.select_related("company"))
            )
        )

    @admin.display(description=_("suppliers → buyers"))
    def parties_column(self, deal):
        parties = deal.parties.all()  # prefetched in get_queryset
        suppliers = ", ".join(str(p.company) for p in parties if p.role == PartyRole.SUPPLIER)
        buyers = ", ".join(str(p.company) for p in parties if p.role == PartyRole.BUYER)
        return f"{suppliers or '?'} → {buyers or '?'}"

    @admin.display(description=_("quantity"), ordering="quantity")
    def quantity_column(self, deal):
        if deal.quantity is None:
            return gettext("undisclosed")
        return (
            f"{deal.get_quantity_qualifier_display()} {deal.quantity.normalize():,f} "
            f"{deal.get_quantity_unit_display()}"
        )

    @admin.display(description=_("value"), ordering="usd_amount")
    def value_column(self, deal):
        return _money_column(deal)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Status, announcement date and USD equivalent follow from the saved events and money.
        services.deal_refresh_derived(deal=form.instance)


# --- Meetings -------------------------------------------------------------------------------


class AttendanceInline(PostedIdsOnlyMixin, admin.TabularInline):
    model = Attendance
    formset = RowConstraintsFormSet
    fields = ("person", "status", "source", "note", "note_ko")
    autocomplete_fields = ("person", "source")
    extra = 0


class MeetingDealInline(PostedIdsOnlyMixin, admin.TabularInline):
    model = DealMeeting
    formset = RowConstraintsFormSet
    fields = ("deal", "role")
    autocomplete_fields = ("deal",)
    extra = 0
    verbose_name = _("deal")
    verbose_name_plural = _("deals discussed or announced")


@admin.register(Meeting)
class MeetingAdmin(RecordImportExportMixin, SourceLinkedAdmin):
    resource_classes = [resources.MeetingResource]
    list_display = ("title", "title_ko", "kind", "starts_at", "city", "country", "publication")
    list_filter = ("publication", "kind", "country")
    list_select_related = ("parent",)
    search_fields = ("title", "title_ko", "venue", "venue_ko", "city", "city_ko")
    autocomplete_fields = ("parent", "sources")
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "starts_at"
    inlines = [AttendanceInline, MeetingDealInline]
    fieldsets = (
        (None, {"fields": (("title", "title_ko"), "kind", "parent")}),
        (_("When"), {"fields": (("starts_at", "ends_at"), ("time_known", "timezone"))}),
        (_("Where"), {"fields": (("venue", "venue_ko"), ("city", "city_ko"), "country")}),
        (_("Summary"), {"fields": ("summary", "summary_ko")}),
        (_("Sources"), {"fields": ("sources",)}),
        RecordAdmin.publication_fieldset,
    )


# --- Projects -------------------------------------------------------------------------------


class ProjectPartyInline(PostedIdsOnlyMixin, admin.TabularInline):
    model = ProjectParty
    formset = RowConstraintsFormSet
    fields = ("company", "role", "note", "note_ko")
    autocomplete_fields = ("company",)
    extra = 0


@admin.register(Project)
class ProjectAdmin(RecordImportExportMixin, SourceLinkedAdmin):
    resource_classes = [resources.ProjectResource]
    list_display = (
        "name",
        "name_ko",
        "kind",
        "status",
        "city",
        "country",
        "budget_column",
        "publication",
    )
    list_filter = ("publication", "kind", "status", "country")
    search_fields = ("name", "name_ko", "location", "location_ko", "city", "city_ko")
    autocomplete_fields = ("sources",)
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = (*RecordAdmin.readonly_fields, "usd_amount", "usd_rate")
    list_select_related = ("usd_rate",)
    inlines = [ProjectPartyInline]
    fieldsets = (
        (None, {"fields": (("name", "name_ko"), ("kind", "status"))}),
        (_("Where"), {"fields": (("location", "location_ko"), ("city", "city_ko"), "country")}),
        (
            _("Budget"),
            {
                "fields": (
                    ("disclosure", "amount_qualifier"),
                    ("amount", "currency"),
                    ("amount_note", "amount_note_ko"),
                    ("usd_amount", "usd_rate"),
                )
            },
        ),
        (
            _("Capacity"),
            {
                "fields": (
                    ("capacity_mw", "capacity_mw_target"),
                    ("gpu_count_qualifier", "gpu_count"),
                )
            },
        ),
        (
            _("Dates"),
            {"fields": (("start_date", "start_precision"), ("target_date", "target_precision"))},
        ),
        (_("Summary"), {"fields": ("summary", "summary_ko")}),
        (_("Sources"), {"fields": ("sources",)}),
        RecordAdmin.publication_fieldset,
    )

    @admin.display(description=_("budget"), ordering="usd_amount")
    def budget_column(self, project):
        return _money_column(project)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.project_refresh_usd(project=form.instance)
