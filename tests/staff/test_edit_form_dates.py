from django.urls import reverse


def test_the_edit_form_shows_the_stored_join_date_in_the_date_picker(admin, staff_member):
    html = admin.get(reverse("staff_edit", args=[staff_member.pk])).content.decode()
    assert 'value="2024-03-01"' in html  # ISO, the only format <input type="date"> accepts
