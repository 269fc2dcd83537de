"""A patient filling in the consultation form on a running server, as a browser would."""

import re
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from tests.consultations.factories import VALID_ANSWERS

FORM = "/consultation/"


def set_cookies(response):
    jar = SimpleCookie()
    for value in response.all("Set-Cookie"):
        jar.load(value)
    return {name: morsel.value for name, morsel in jar.items()}


def hidden_value(html, name):
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


def open_form(server):
    """GET the form: its cookies and the hidden fields a browser would send back."""
    page = server.request("GET", FORM)
    assert page.status == 200, page.text
    cookies = set_cookies(page)
    return {
        "csrftoken": cookies["csrftoken"],
        # The submission token works only in the browser it was shown in (this cookie).
        "cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()),
        "csrfmiddlewaretoken": hidden_value(page.text, "csrfmiddlewaretoken"),
        "submission_token": hidden_value(page.text, "submission_token"),
    }


def send_form(server, opened, answers=None, *, timeout=30):
    """POST the form as opened by `open_form` (the same token: a resend is the same request)."""
    fields = [
        (name, item)
        for name, value in (answers or VALID_ANSWERS).items()
        for item in (value if isinstance(value, list) else [value])
    ]
    fields += [
        ("csrfmiddlewaretoken", opened["csrfmiddlewaretoken"]),
        ("submission_token", opened["submission_token"]),
    ]
    return server.request(
        "POST",
        FORM,
        body=urlencode(fields),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": opened["cookie"],
            "Origin": f"https://127.0.0.1:{server.port}",
        },
        timeout=timeout,
    )
