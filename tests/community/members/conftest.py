import io

import pytest
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.factories import MemberFactory

PASSWORD = "correct horse battery staple"


@pytest.fixture
def member(db):
    """A member whose e-mail address is confirmed, so they can log in."""
    member = MemberFactory(display_name="Marie Dupont", slug="marie-dupont")
    EmailAddress.objects.create(
        user=member, email=member.email, verified=True, primary=True
    )
    return member


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def image_upload(fmt="JPEG", size=(64, 48), name=None, **save_kwargs):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, fmt, **save_kwargs)
    extension = {"JPEG": "jpg"}.get(fmt, fmt.lower())
    return SimpleUploadedFile(
        name or f"photo.{extension}",
        buffer.getvalue(),
        content_type=f"image/{extension}",
    )


@pytest.fixture
def jpeg_upload():
    return image_upload
