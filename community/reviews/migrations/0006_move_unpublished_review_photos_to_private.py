"""Photos of reviews that are not published move out of /media/ into private storage.

Before 0005 every review photo was a public Wagtail image. This moves the photos of
pending, rejected, hidden and removed reviews where `review_photos_place` now keeps
them; their public files and renditions are deleted once the migration commits. A
photo whose file is already missing is left as it is (nothing of it is public).
Not reversible: there is no reason to make those photos public again.
"""

import os

from django.core.files import File
from django.db import migrations, transaction

from comptoir.uploads import private_media_storage


def move_unpublished_photos(apps, schema_editor):
    ReviewPhoto = apps.get_model("reviews", "ReviewPhoto")
    Rendition = apps.get_model("wagtailimages", "Rendition")
    image_storage = apps.get_model("wagtailimages", "Image")._meta.get_field(
        "file"
    ).storage
    rendition_storage = Rendition._meta.get_field("file").storage
    private = private_media_storage()
    public_files = []
    photos = (
        ReviewPhoto.objects.filter(image__isnull=False)
        .exclude(review__status="published")
        .select_related("image")
        .order_by("pk")
    )
    for photo in photos:
        image = photo.image
        try:
            with image_storage.open(image.file.name, "rb") as public:
                name = private.save(
                    f"review_photos/{os.path.basename(image.file.name)}", File(public)
                )
        except FileNotFoundError:
            continue
        renditions = list(
            Rendition.objects.filter(image=image).values_list("file", flat=True)
        )
        public_files.append((image_storage, image.file.name))
        public_files.extend((rendition_storage, file) for file in renditions)
        photo.private_file = name
        photo.image = None
        photo.save(update_fields=["image", "private_file"])
        image.delete()

    def delete_public_files():
        for storage, name in public_files:
            storage.delete(name)

    transaction.on_commit(delete_public_files)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0005_keep_unpublished_photos_private"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [
        migrations.RunPython(move_unpublished_photos, migrations.RunPython.noop),
    ]
