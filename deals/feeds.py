"""Atom feeds of deal events: every published deal's steps, and one company's."""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from . import formatting
from .models import Company, Deal, DealEvent

FEED_LENGTH = 30


class LatestDealEventsFeed(Feed):
    """The latest steps of published deals: reported, announced, signed, cancelled."""

    feed_type = Atom1Feed

    def title(self):
        return _("Latest deal events")

    def subtitle(self):
        return _("New steps in AI-chip supply deals, each with its source.")

    def link(self):
        return reverse("deals:deal_list")

    def items(self):
        return DealEvent.objects.public()[:FEED_LENGTH]

    def item_title(self, item):
        return _("%(deal)s: %(status)s") % {"deal": item.deal, "status": item.get_status_display()}

    def item_description(self, item):
        parts = [formatting.format_date(item.date, item.date_precision)]
        note = item.localized("note")
        if note:
            parts.append(note)
        if item.source and item.source.is_published:
            parts.append(_("Source: %(source)s") % {"source": item.source})
        return " · ".join(parts)

    def item_link(self, item):
        return f"{item.deal.get_absolute_url()}#event-{item.pk}"

    def item_pubdate(self, item):
        return timezone.make_aware(dt.datetime.combine(item.date, dt.time(12)))

    def item_updateddate(self, item):
        return item.updated_at


class CompanyDealEventsFeed(LatestDealEventsFeed):
    """The latest steps of the published deals one company takes part in."""

    def get_object(self, request, slug):
        return get_object_or_404(Company.objects.published(), slug=slug)

    def title(self, obj):
        return _("Deal events: %(company)s") % {"company": obj}

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        deals = Deal.objects.published().involving(obj)
        return DealEvent.objects.public().filter(deal__in=deals)[:FEED_LENGTH]
