import pytest

from deals.models import DealStatus

pytestmark = pytest.mark.django_db


def test_made_deal_takes_status_of_its_latest_event(published_deal):
    assert published_deal.status == DealStatus.ANNOUNCED
    assert published_deal.parties.count() == 2
