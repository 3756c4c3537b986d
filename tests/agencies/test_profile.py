"""Profiles: the real name and office phone that sign 附件1, edited by the user or an admin."""

import pytest

from agencies.models import Profile
from agencies.services import profile_check
from audit.models import AuditEvent
from core.errors import DomainError
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client):
    """The profile page asks an anonymous visitor to log in."""
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_user_sets_name_and_phone_and_the_change_is_audited(client, member):
    """A clerk without a profile fills in name and phone; the audit log records before/after."""
    clerk = member("ZJ", "510104", "clerk", profile=False)
    client.force_login(clerk)
    page = client.get("/accounts/profile/").content.decode()
    assert "成都市锦江区住房和城乡建设局" in page
    assert 'href="/accounts/password/"' in page  # the password change is linked from here
    response = client.post(
        "/accounts/profile/", {"real_name": " 张三 ", "office_phone": "028－85559305"}
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user=clerk)
    assert (profile.real_name, profile.office_phone) == ("张三", "028-85559305")
    event = AuditEvent.objects.get(action="user.profile_updated")
    assert (event.actor, event.target_id) == (clerk, str(clerk.pk))
    assert event.changes == {"real_name": ["", "张三"], "office_phone": ["", "028-85559305"]}
    client.post("/accounts/profile/", {"real_name": "张三", "office_phone": "028-85559305"})
    assert AuditEvent.objects.filter(action="user.profile_updated").count() == 1  # no change


def test_every_problem_is_shown_next_to_its_field_and_nothing_is_saved(client, member):
    """A role for a name and a malformed phone are both refused at once, in Chinese."""
    clerk = member("ZJ", "510104", "clerk", first_name="王丽")
    client.force_login(clerk)
    response = client.post(
        "/accounts/profile/", {"real_name": "审核员", "office_phone": "85559305"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "不要填写职务或角色" in form.errors["real_name"][0]
    assert "028-85559305" in form.errors["office_phone"][0]
    assert Profile.objects.get(user=clerk).real_name == "王丽"
    assert not AuditEvent.objects.filter(action="user.profile_updated").exists()


@pytest.mark.parametrize(
    ("name", "phone", "fields"),
    [
        ("李四", "0816-2223456", set()),
        ("阿依古丽·买买提", "13800000000", set()),
        ("阿依古丽.买买提", "028-85559305-801", set()),
        ("", "028-85559305", {"real_name"}),
        ("county_clerk", "028-85559305", {"real_name"}),
        ("张三", "", {"office_phone"}),
        ("张三", "12800000000", {"office_phone"}),
        ("张三", "28-85559305", {"office_phone"}),
    ],
)
def test_names_and_phones_follow_one_rule(name, phone, fields):
    """Han names (with ·), landlines with area code and mainland mobiles; nothing else."""
    if not fields:
        assert profile_check(real_name=name, office_phone=phone)["real_name"]
        return
    with pytest.raises(DomainError) as refused:
        profile_check(real_name=name, office_phone=phone)
    assert set(refused.value.fields) == fields


@pytest.fixture
def superuser(reference):
    return UserFactory(is_superuser=True, is_staff=True)


def admin_form(user, **profile) -> dict:
    data = {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "date_joined_0": "2019-01-01",
        "date_joined_1": "08:00:00",
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "0",
        "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1",
    }
    data.update({f"profile-0-{key}": value for key, value in profile.items()})
    return data


def test_an_admin_sets_a_users_profile_inline_and_it_is_audited(client, superuser, member):
    """The user's admin page carries the profile; saving it goes through the audited service."""
    clerk = member("ZJ", "510104", "clerk", profile=False)
    client.force_login(superuser)
    url = f"/admin/auth/user/{clerk.pk}/change/"
    assert "profile-0-real_name" in client.get(url).content.decode()
    refused = client.post(url, admin_form(clerk, real_name="王丽", office_phone="8666"))
    assert refused.status_code == 200
    assert not Profile.objects.filter(user=clerk).exists()
    saved = client.post(url, admin_form(clerk, real_name="王丽", office_phone="028-86651234"))
    assert saved.status_code == 302
    assert Profile.objects.get(user=clerk).office_phone == "028-86651234"
    event = AuditEvent.objects.get(action="user.profile_updated")
    assert (event.actor, event.target_id) == (superuser, str(clerk.pk))
    listing = client.get("/admin/auth/user/?q=王丽").content.decode()
    assert clerk.username in listing


def test_the_password_is_changed_on_chinese_pages_within_the_layout(client, member):
    """The profile links to 修改密码; a wrong old password is refused in Chinese next to its
    field; the right one changes it, and the done page leads back."""
    from tests.factories import TEST_PASSWORD

    user = member("ZJ", "510104", "clerk")
    client.force_login(user)
    profile = client.get("/accounts/profile/").content.decode()
    assert 'href="/accounts/password/"' in profile
    form = client.get("/accounts/password/").content.decode()
    assert "修改密码" in form
    assert 'id="main"' in form  # the app's layout, skip link target included
    new = "Xk7-挂证-2019-abc"
    wrong = client.post(
        "/accounts/password/",
        {"old_password": "nope", "new_password1": new, "new_password2": new},
    )
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["old_password"]
    assert "旧密码" in wrong.content.decode()
    done = client.post(
        "/accounts/password/",
        {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new},
        follow=True,
    )
    assert "密码已修改" in done.content.decode()
    user.refresh_from_db()
    assert user.check_password(new)
