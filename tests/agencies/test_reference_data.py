import pytest
from django.core.management import call_command

from agencies.models import Agency, ComplaintChannel, Department, Region
from agencies.services import agency_save, reference_data_load

pytestmark = pytest.mark.django_db


def test_regions_are_the_205_divisions_of_sichuan(reference):
    """The province, 21 市州 and 183 counties are loaded with their tree."""
    assert Region.objects.count() == 205
    assert Region.objects.filter(level="province").count() == 1
    assert Region.objects.filter(level="prefecture").count() == 21
    assert Region.objects.filter(level="county").count() == 183
    assert Region.objects.get(code="510104").parent.code == "510100"
    assert Region.objects.get(code="510100").parent.code == "510000"


def test_departments_have_stable_codes(reference):
    """Five reporting departments, two supervising bureaus and the ministry."""
    codes = dict(Department.objects.values_list("code", "kind"))
    assert codes == {
        "ZJ": "reporting",
        "RS": "reporting",
        "JT": "reporting",
        "SL": "reporting",
        "TX": "reporting",
        "TL": "supervising",
        "MH": "supervising",
        "BU": "ministry",
    }
    assert Department.objects.get(is_lead=True).code == "ZJ"


@pytest.mark.parametrize(
    ("department", "expected"),
    [
        ("ZJ", 205),
        ("RS", 205),
        ("JT", 205),
        ("SL", 205),
        ("TX", 22),
        ("TL", 1),
        ("MH", 1),
        ("BU", 1),
    ],
)
def test_agencies_per_department(reference, department, expected):
    """ZJ, RS, JT and SL reach every county; TX stops at 市州; TL, MH, BU are single offices."""
    assert Agency.objects.filter(department__code=department).count() == expected


def test_agency_names_and_parents(agency):
    """Each agency has a proper Chinese name and its parent one region up in the same department."""
    county = agency("ZJ", "510104")
    assert county.name == "成都市锦江区住房和城乡建设局"
    assert county.parent == agency("ZJ", "510100")
    assert county.parent.parent == agency("ZJ", "510000")
    assert agency("ZJ", "510000").parent is None
    assert agency("BU", "510000").name == "中华人民共和国住房和城乡建设部"
    assert agency("RS", "510104").name == "成都市锦江区人力资源和社会保障局"


def test_agency_paths_nest(agency):
    """A county's path starts with its city's, which starts with its province's."""
    county, city, province = agency("ZJ", "510104"), agency("ZJ", "510100"), agency("ZJ", "510000")
    assert county.path.startswith(city.path)
    assert city.path.startswith(province.path)
    assert not agency("RS", "510104").path.startswith(province.path)


def test_complaint_channels_from_annex_2(reference):
    channel = ComplaintChannel.objects.get(department__code="ZJ")
    assert (channel.telephone, channel.email) == ("028-85559305", "zhlan2018@163.com")
    assert ComplaintChannel.objects.count() == 5


def test_loading_twice_changes_nothing(reference):
    """load_reference_data is idempotent."""
    before = (Region.objects.count(), Agency.objects.count(), Department.objects.count())
    assert reference_data_load() == {"regions": 0, "departments": 0, "agencies": 0, "channels": 0}
    call_command("load_reference_data", verbosity=0)
    assert (Region.objects.count(), Agency.objects.count(), Department.objects.count()) == before


def test_loading_keeps_an_admins_rename(agency):
    """An agency renamed by an admin keeps its new name after reloading."""
    county = agency("ZJ", "510104")
    county.name = "锦江区住建局（更名）"
    county.save()
    reference_data_load()
    county.refresh_from_db()
    assert county.name == "锦江区住建局（更名）"


def test_admin_can_add_a_non_standard_unit(agency):
    """天府新区 can be added as an extra region and agency without code changes."""
    chengdu = Region.objects.get(code="510100")
    tianfu = Region.objects.create(
        code="510100TF", name="天府新区", level="county", parent=chengdu, is_standard=False
    )
    city = agency("ZJ", "510100")
    new = agency_save(
        agency=Agency(
            department=city.department,
            region=tianfu,
            parent=city,
            name="四川天府新区住房和城乡建设局",
            level="county",
        )
    )
    assert new.path.startswith(city.path)


def test_moving_an_agency_moves_its_subtree_in_one_statement(agency, django_assert_num_queries):
    """A city moved below a new agency carries its counties' paths along, in one UPDATE."""
    province, city, county = agency("ZJ", "510000"), agency("ZJ", "510100"), agency("ZJ", "510104")
    region = Region.objects.create(
        code="510000XQ", name="新区", level="prefecture", is_standard=False
    )
    middle = agency_save(
        agency=Agency(department=province.department, region=region, parent=province, name="新区")
    )
    city.parent = middle
    # The service's savepoint and its release, the stored path, the row, one UPDATE of the subtree.
    with django_assert_num_queries(5):
        agency_save(agency=city)
    county.refresh_from_db()
    assert county.path == f"{middle.path}{city.pk}/{county.pk}/"


def test_an_agency_cannot_move_below_itself(agency):
    """Moving a city under one of its counties is refused (the tree would become a loop)."""
    from core.errors import DomainError

    city = agency("ZJ", "510100")
    city.parent = agency("ZJ", "510104")
    with pytest.raises(DomainError):
        agency_save(agency=city)
