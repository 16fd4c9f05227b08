"""The header's menus: the member menu is what apps registered (point 15), shown
to members only, with "Log out" last; the phone menu's button needs JavaScript."""

import re

import pytest
from django.test import Client
from wagtail import hooks

from comptoir.navigation import MEMBER_MENU_HOOK, NavItem, member_menu_items
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def member_client() -> Client:
    client = Client()
    client.force_login(MemberFactory(display_name="Ana Jardin"))
    return client


def member_menu(html: str) -> str:
    return html[html.index('<details class="member-menu">') : html.index("</details>")]


def test_the_member_menu_lists_what_the_apps_registered_in_order_then_log_out():
    menu = member_menu(member_client().get("/products/").content.decode())

    links = re.findall(r'<li><a href="([^"]+)">', menu)
    assert links == [item.url for item in member_menu_items()]
    assert links[:7] == [
        "/me/",
        "/me/reviews/",
        "/me/ideas/",
        "/me/purchases/",
        "/me/listings/",
        "/me/reservations/",
        "/me/wallet/",
    ]
    assert "<summary>Ana Jardin</summary>" in menu
    assert menu.rindex("Log out") > menu.rindex("/me/wallet/")


def test_an_app_adds_a_link_by_registering_it():
    def my_bargains():
        return NavItem(label="My bargains", path="/me/bargains/", order=35)

    with hooks.register_temporarily(MEMBER_MENU_HOOK, my_bargains):
        menu = member_menu(member_client().get("/products/").content.decode())

    assert '<li><a href="/me/bargains/">My bargains</a></li>' in menu
    assert menu.index("/me/ideas/") < menu.index("/me/bargains/")
    assert menu.index("/me/bargains/") < menu.index("/me/reservations/")


def test_visitors_get_no_member_menu_and_the_menu_button_waits_for_javascript():
    html = Client().get("/products/").content.decode()

    assert "member-menu" not in html
    assert "Log in" in html and "Sign up" in html
    # Hidden until header-menu.js shows it: without JavaScript every link shows.
    assert re.search(r'<button type="button" class="menu-button"[^>]* hidden>', html)
    assert 'aria-controls="site-menu"' in html and 'id="site-menu"' in html


def test_the_notification_count_stays_outside_the_folding_menu():
    html = member_client().get("/products/").content.decode()

    menu = html.index('id="site-menu"')
    between = html[menu : html.index('id="notification-link"')]
    # every <div> opened from the menu on is closed before the count: it is outside
    assert between.count("<div") + 1 == between.count("</div>")


def test_the_main_menu_marks_the_section_of_the_page():
    html = Client().get("/products/").content.decode()

    assert '<a href="/products/" aria-current="page">' in html
    assert '<a href="/stores/">' in html
