"""The editors' admin: declarative lists, search in both languages, inlines for every part of a
record, and history. Writes with rules go through deals.services, never around them."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import services
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
    Publication,
    Source,
)
from .models.base import Disclosure

admin.site.site_header = _("dealtracker editors")
admin.site.site_title = _("dealtracker")
admin.site.index_title = _("Deals, companies, meetings and their sources")


# --- Shared ---------------------------------------------------------------------------------


@admin.action(description=_("Publish the selected records"))
def publish_selected(modeladmin, request, queryset):
    published, refused = 0, []
    for record in queryset:
        try:
            services.record_publish(record=record, by=request.user)
            published += 1
        except ValidationError as error:
            refused.append(f"{record}: {' '.join(error.messages)}")
    if published:
        modeladmin.message_user(
            request,
            ngettext("Published %(count)d record.", "Published %(count)d records.", published)
            % {"count": published},
            messages.SUCCESS,
        )
    for line in refused:
        modeladmin.message_user(request, gettext("Not published: %s") % line, messages.ERROR)


@admin.action(description=_("Return the selected records to draft"))
def unpublish_selected(modeladmin, request, queryset):
    count = 0
    for record in queryset:
        services.record_unpublish(record=record, by=request.user)
        count += 1
    modeladmin.message_user(
        request,
        ngettext("%(count)d record is a draft again.", "%(count)d records are drafts again.", count)
        % {"count": count},
        messages.SUCCESS,
    )


class RecordAdmin(SimpleHistoryAdmin):
    """What every record's admin shares: publication, timestamps, history, publish actions."""

    actions = [publish_selected, unpublish_selected]
    readonly_fields = ("published_at", "created_at", "updated_at")
    list_per_page = 50
    save_on_top = True
    show_full_result_count = False  # no COUNT(*) over the whole table on every list page

    publication_fieldset = (
        _("Publication"),
        {"fields": ("slug", "publication", "published_at", "created_at", "updated_at")},
    )

    def save_model(self, request, obj, form, change):
        # The publication time is set when a record is first published, never typed by hand.
        if obj.publication == Publication.PUBLISHED and not obj.published_at:
            obj.published_at = timezone.now()
        super().save_model(request, obj, form, change)


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
class SourceAdmin(RecordAdmin):
    list_display = ("__str__", "publisher", "published_on", "language", "url", "publication")
    list_filter = ("publication", "language", "publisher")
    search_fields = ("title", "title_ko", "publisher", "publisher_ko", "url")
    prepopulated_fields = {"slug": ("publisher", "title")}
    date_hierarchy = "published_on"
    fieldsets = (
        (None, {"fields": ("url", ("title", "title_ko"), ("publisher", "publisher_ko"))}),
        (_("When and in what language"),
         {"fields": (("published_on", "published_on_precision"), "language")}),
        RecordAdmin.publication_fieldset,
    )


@admin.register(ExchangeRate)
class ExchangeRateAdmin(RecordAdmin):
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


# --- Companies and people -------------------------------------------------------------------


class SubsidiaryInline(admin.TabularInline):
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
class CompanyAdmin(SourceLinkedAdmin):
    list_display = ("name", "name_ko", "kind", "country", "parent", "publication", "updated_at")
    list_filter = ("publication", "kind", "country")
    list_select_related = ("parent",)
    search_fields = ("name", "name_ko", "aliases", "slug")
    autocomplete_fields = ("parent", "sources")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [SubsidiaryInline]
    fieldsets = (
        (None, {"fields": (("name", "name_ko"), "aliases", ("kind", "country"), "parent",
                           "website")}),
        (_("Description"), {"fields": ("description", "description_ko")}),
        (_("Sources"), {"fields": ("sources",)}),
        RecordAdmin.publication_fieldset,
    )


@admin.register(Person)
class PersonAdmin(RecordAdmin):
    list_display = ("name", "name_ko", "title", "company", "publication")
    list_filter = ("publication",)
    list_select_related = ("company",)
    search_fields = ("name", "name_ko", "title", "title_ko", "company__name", "company__name_ko")
    autocomplete_fields = ("company",)
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (None, {"fields": (("name", "name_ko"), ("title", "title_ko"), "company")}),
        RecordAdmin.publication_fieldset,
    )


# --- Deals ----------------------------------------------------------------------------------


class DealPartyFormSet(BaseInlineFormSet):
    """Checks the parties together: no supplier that is also the buyer, and, for a deal being
    published, the parties its kind needs. One clear message, nothing saved."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        parties = [
            (form.cleaned_data["company"], form.cleaned_data["role"])
            for form in self.forms
            if form.cleaned_data.get("company") and not form.cleaned_data.get("DELETE")
        ]
        deal = self.instance
        if deal.publication == Publication.PUBLISHED:
            problems = services.deal_publish_problems(deal=deal, parties=parties)
        else:
            problems = services.deal_party_problems(deal=deal, parties=parties)
        if problems:
            raise ValidationError(problems)


class DealPartyInline(admin.TabularInline):
    model = DealParty
    formset = DealPartyFormSet
    fields = ("company", "role", "note", "note_ko")
    autocomplete_fields = ("company",)
    extra = 0
    min_num = 0


class DealEventInline(admin.TabularInline):
    model = DealEvent
    fields = ("date", "date_precision", "status", "source", "note", "note_ko")
    autocomplete_fields = ("source",)
    extra = 0


class DealMeetingInline(admin.TabularInline):
    model = DealMeeting
    fields = ("meeting", "role")
    autocomplete_fields = ("meeting",)
    extra = 0
    verbose_name = _("meeting")
    verbose_name_plural = _("meetings where it was discussed or announced")


@admin.register(Deal)
class DealAdmin(SourceLinkedAdmin):
    list_display = (
        "title", "parties_column", "quantity_column", "value_column", "status", "announced_on",
        "publication",
    )
    list_display_links = ("title",)
    list_filter = ("publication", "status", "kind", "product_category", "disclosure",
                   "parties__company__country")
    search_fields = ("title", "title_ko", "product", "product_ko", "slug",
                     "parties__company__name", "parties__company__name_ko")
    autocomplete_fields = ("project", "sources")
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "announced_on"
    readonly_fields = (*RecordAdmin.readonly_fields, "status", "status_on", "announced_on",
                       "usd_amount", "usd_rate")
    inlines = [DealPartyInline, DealEventInline, DealMeetingInline]
    fieldsets = (
        (None, {"fields": (("title", "title_ko"), "kind", ("summary", "summary_ko"))}),
        (_("What"), {"fields": (("product", "product_ko"), "product_category",
                                ("quantity_qualifier", "quantity", "quantity_unit"))}),
        (_("Value"), {"fields": (("disclosure", "amount_qualifier"), ("amount", "currency"),
                                 ("amount_note", "amount_note_ko"), ("usd_amount", "usd_rate"))}),
        (_("Status (from the latest event)"), {"fields": (("status", "status_on"),
                                                          "announced_on")}),
        (_("Project and sources"), {"fields": ("project", "sources")}),
        RecordAdmin.publication_fieldset,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(
            Prefetch("parties", queryset=DealParty.objects.select_related("company"))
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
        return f"{deal.get_quantity_qualifier_display()} {deal.quantity.normalize():,f} " \
            f"{deal.get_quantity_unit_display()}"

    @admin.display(description=_("value"), ordering="usd_amount")
    def value_column(self, deal):
        return _money_column(deal)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Status, announcement date and USD equivalent follow from the saved events and money.
        services.deal_refresh_derived(deal=form.instance)


# --- Meetings -------------------------------------------------------------------------------


class AttendanceInline(admin.TabularInline):
    model = Attendance
    fields = ("person", "status", "source", "note", "note_ko")
    autocomplete_fields = ("person", "source")
    extra = 0


class MeetingDealInline(admin.TabularInline):
    model = DealMeeting
    fields = ("deal", "role")
    autocomplete_fields = ("deal",)
    extra = 0
    verbose_name = _("deal")
    verbose_name_plural = _("deals discussed or announced")


@admin.register(Meeting)
class MeetingAdmin(SourceLinkedAdmin):
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


class ProjectPartyInline(admin.TabularInline):
    model = ProjectParty
    fields = ("company", "role", "note", "note_ko")
    autocomplete_fields = ("company",)
    extra = 0


@admin.register(Project)
class ProjectAdmin(SourceLinkedAdmin):
    list_display = ("name", "name_ko", "kind", "status", "city", "country", "budget_column",
                    "publication")
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
        (_("Budget"), {"fields": (("disclosure", "amount_qualifier"), ("amount", "currency"),
                                  ("amount_note", "amount_note_ko"), ("usd_amount", "usd_rate"))}),
        (_("Capacity"), {"fields": (("capacity_mw", "capacity_mw_target"),
                                    ("gpu_count_qualifier", "gpu_count"))}),
        (_("Dates"), {"fields": (("start_date", "start_precision"),
                                 ("target_date", "target_precision"))}),
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
