"""Members' photos, kept where the visibility of what they belong to allows.

A review's photos, a forum post's images and a listing's photos all live the same
way, here. Each upload is checked and re-encoded by `comptoir.uploads` first. While
what it belongs to is public, a photo is a Wagtail image under MEDIA_URL, in its
app's collection, with the sizes its pages show cut off the request; otherwise it is
a private file that only its author and moderators may open. Every change of
visibility moves it (`PhotoShelf.place`).

A model of such photos has `image` (a nullable foreign key to Wagtail's image
model), `private_file` (an ImageField on `private_media_storage`) and `position`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from wagtail.images import get_image_model
from wagtail.models import Collection

from .background import image_renditions_prepare_later
from .uploads import private_media_storage


def private_files_delete_on_commit(names: list[str]) -> None:
    """Delete private files once the transaction commits: a rolled-back one still
    points at them."""
    names = [name for name in names if name]
    if not names:
        return
    storage = private_media_storage()

    def private_files_delete():
        for name in names:
            storage.delete(name)

    transaction.on_commit(private_files_delete)


@dataclass(frozen=True)
class PhotoShelf:
    """Where one app keeps its members' photos: a collection, and the sizes its
    pages show (cut after upload, off the request)."""

    collection: str
    specs: tuple[str, ...]

    def _collection(self) -> Collection:
        root = Collection.get_first_root_node()
        existing = root.get_children().filter(name=self.collection).first()
        return existing or root.add_child(name=self.collection)

    def _public_image(self, content, *, title: str):
        image = get_image_model()(title=title[:255], collection=self._collection())
        image.file = ImageFile(content, name=content.name)
        image.file_size = content.size
        image.save()
        image_renditions_prepare_later(image, specs=list(self.specs))
        return image

    def attach(self, photo, content, *, public: bool, title: str) -> None:
        """Save a new photo (its upload already cleaned): public or private."""
        if public:
            photo.image = self._public_image(content, title=title)
        else:
            photo.private_file.save(content.name, content, save=False)
        photo.save()

    def _publish(self, photo, *, title: str) -> None:
        old_name = photo.private_file.name
        with photo.private_file.open("rb") as private:
            content = ContentFile(private.read(), name=os.path.basename(old_name))
        photo.image = self._public_image(content, title=title)
        photo.private_file = ""
        photo.save(update_fields=["image", "private_file"])
        private_files_delete_on_commit([old_name])

    @staticmethod
    def _unpublish(photo) -> None:
        image = photo.image
        with image.file.open("rb") as public:
            content = ContentFile(public.read())
        photo.private_file.save(os.path.basename(image.file.name), content, save=False)
        photo.image = None
        photo.save(update_fields=["image", "private_file"])
        # Wagtail removes the file and its renditions from storage after commit.
        image.delete()

    def place(
        self, photos: Iterable, *, public: bool, title_of: Callable[[object], str]
    ) -> int:
        """Move each photo to public or private as `public` says; returns how many
        moved (a move gives a photo a new address)."""
        moved = 0
        with transaction.atomic():
            for photo in photos:
                if public and photo.image_id is None:
                    self._publish(photo, title=title_of(photo))
                elif not public and photo.image_id is not None:
                    self._unpublish(photo)
                else:
                    continue
                moved += 1
        return moved

    @staticmethod
    def delete(model, photos: Iterable) -> int:
        """Delete photos of `model` with their files, public or private; the files
        leave storage once the transaction commits. Returns how many."""
        photos = list(photos)
        with transaction.atomic():
            model.objects.filter(pk__in=[photo.pk for photo in photos]).delete()
            get_image_model().objects.filter(
                pk__in=[photo.image_id for photo in photos if photo.image_id]
            ).delete()
            private_files_delete_on_commit(
                [photo.private_file.name for photo in photos if not photo.image_id]
            )
        return len(photos)
