"""Supporting an idea in place (in-place.js asks for JSON), the plain form
unchanged, and the support part focusable where a support leads back to."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from community.ideas.models import IdeasSettings, IdeaSupport

from .conftest import make_idea

pytestmark = pytest.mark.django_db

SCRIPT = {"HTTP_ACCEPT": "application/json"}
BROWSER = {
    "HTTP_ACCEPT": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
}


def support_url(idea):
    return reverse("ideas:support", args=[idea.pk])


def test_support_in_place_answers_the_new_support_part(client, open_idea, supporter):
    client.force_login(supporter)

    response = client.post(support_url(open_idea), **SCRIPT)

    assert response.status_code == 200
    answer = response.json()
    assert answer["ok"] is True
    assert answer["message"] == "Thank you for your support!"
    part = answer["fragments"]["support-body"]
    assert part.startswith("<div") and 'id="support-body"' in part
    assert "1 supporter" in part
    assert "You support this idea." in part
    assert "Withdraw my support" in part and "data-in-place" in part
    assert "You have 9 supports left." in part
    # The live region that says it stays in the page, outside the part replaced.
    assert 'id="support-status"' not in part
    assert IdeaSupport.objects.filter(idea=open_idea, member=supporter).exists()


def test_withdrawing_in_place_brings_the_support_button_back(
    client, open_idea, supporter
):
    client.force_login(supporter)
    client.post(support_url(open_idea), **SCRIPT)

    answer = client.post(support_url(open_idea), {"action": "withdraw"}, **SCRIPT)

    body = answer.json()
    assert body["message"] == "Your support is withdrawn."
    part = body["fragments"]["support-body"]
    assert "Support this idea" in part and "0 supporters" in part
    assert "You have 10 supports left." in part
    assert not IdeaSupport.objects.exists()


def test_in_place_support_leaves_no_message_for_the_next_page(
    client, open_idea, supporter
):
    client.force_login(supporter)
    client.post(support_url(open_idea), **SCRIPT)

    page = client.get(open_idea.get_absolute_url()).content.decode()

    assert "Thank you for your support!" not in page
    assert "You support this idea." in page


def test_own_idea_refusal_in_place_is_a_sentence(client, open_idea, author):
    client.force_login(author)

    response = client.post(support_url(open_idea), **SCRIPT)

    assert response.status_code == 403
    assert response.json() == {
        "ok": False,
        "message": "You cannot support your own idea.",
        "fragments": {},
    }


def test_budget_refusal_in_place_is_a_sentence(client, author, supporter):
    rules = IdeasSettings.load()
    rules.support_budget = 1
    rules.save()
    first, second = make_idea(author, title="Un"), make_idea(author, title="Deux")
    client.force_login(supporter)
    client.post(support_url(first), **SCRIPT)

    response = client.post(support_url(second), **SCRIPT)

    assert response.status_code == 400
    assert "You already support 1 ideas" in response.json()["message"]
    assert IdeaSupport.objects.filter(member=supporter).count() == 1


def test_private_idea_in_place_is_said_in_words(client, author, supporter):
    from community.ideas.models import IdeaState

    idea = make_idea(author, state=IdeaState.PENDING)
    client.force_login(supporter)

    response = client.post(support_url(idea), **SCRIPT)

    assert response.status_code == 404
    assert response.json()["message"] == (
        "This idea is no longer public: reload the page."
    )


def test_in_place_support_still_needs_the_csrf_token(open_idea, supporter):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(supporter)

    assert browser.post(support_url(open_idea), **SCRIPT).status_code == 403
    assert not IdeaSupport.objects.exists()

    page = browser.get(open_idea.get_absolute_url()).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = browser.post(
        support_url(open_idea), {"csrfmiddlewaretoken": token}, **SCRIPT
    )
    assert response.json()["ok"] is True


def test_plain_support_still_redirects_to_the_support_part(
    client, open_idea, supporter
):
    client.force_login(supporter)

    response = client.post(support_url(open_idea), **BROWSER)

    assert response.status_code == 302
    assert response["Location"] == open_idea.get_absolute_url() + "#support"
    page = client.get(response["Location"]).content.decode()
    assert "Thank you for your support!" in page
    # The part it leads back to takes the focus (in-place.js focuses it).
    assert re.search(
        r'<section class="idea-support card" id="support" tabindex="-1"', page
    )
    assert 'src="/static/comptoir/js/in-place.js"' in page


def test_plain_support_refusal_is_still_a_message(client, open_idea, author):
    client.force_login(author)

    response = client.post(support_url(open_idea), follow=True)

    assert "message-error" in response.content.decode()
    assert "You cannot support your own idea." in response.content.decode()


def test_idea_page_support_form_is_marked_for_in_place(client, open_idea, supporter):
    client.force_login(supporter)

    page = client.get(open_idea.get_absolute_url()).content.decode()

    form = re.search(
        rf'<form method="post" action="{support_url(open_idea)}"[^>]*>', page
    )
    assert form and 'data-in-place-status="support-status"' in form.group(0)
    assert re.search(
        r'<p class="in-place-status" id="support-status" role="status"'
        r' aria-live="polite">',
        page,
    )
    for tag in re.findall(r"<script\b[^>]*>", page):
        assert "src=" in tag or 'type="application/ld+json"' in tag, tag
