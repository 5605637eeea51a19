"""Speaker photos: check that an upload really is a JPEG, PNG or WebP image of a sane size,
re-encode it, and keep it under ``<instance>/uploads/speakers/``.

Uploads are decoded by Pillow rather than trusted by name or declared type, so a renamed
text file, an SVG (which can carry script) or a GIF is refused. Accepted images are
re-encoded in their own format: that drops EXIF metadata (a phone photo's GPS position,
camera serial numbers), applies the EXIF rotation, and neutralises files that are valid
images *and* something else (polyglots). The colour profile is kept.
"""
from __future__ import annotations

import io
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from eventsys.errors import ValidationError

FIELD = "photo"
DEFAULT_MAX_BYTES = 2 * 1024 * 1024
MAX_DIMENSION = 4000
# Pillow format name -> (file extension, Content-Type)
FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
MIMETYPES = {ext: mimetype for ext, mimetype in FORMATS.values()}
_STORED_NAME = re.compile(r"^\d+-[0-9a-f]{16}\.(jpg|png|webp)$")


@dataclass(frozen=True)
class Photo:
    """A checked, re-encoded image ready to be stored."""
    data: bytes
    extension: str
    mimetype: str


def max_bytes() -> int:
    return int(current_app.config.get("SPEAKER_PHOTO_MAX_BYTES", DEFAULT_MAX_BYTES))


def photo_dir() -> Path:
    """``SPEAKER_PHOTO_DIR`` if set (tests use a temporary folder), else the instance folder."""
    configured = current_app.config.get("SPEAKER_PHOTO_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "uploads" / "speakers"


def validate_photo(file_storage) -> Photo:
    """Read the upload and return it re-encoded; ValidationError at ``photo`` otherwise."""
    limit = max_bytes()
    raw = file_storage.stream.read(limit + 1)
    if not raw:
        raise ValidationError(_l("The file is empty. Choose a JPEG, PNG or WebP image."), field=FIELD)
    if len(raw) > limit:
        raise ValidationError(_l("The photo is larger than %(size)s. Please send a smaller image.",
                                 size=_readable(limit)), field=FIELD)
    image = _decode(raw)
    extension, mimetype = FORMATS[image.format]
    return Photo(data=_reencode(image), extension=extension, mimetype=mimetype)


def _readable(limit: int) -> str:
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):.3g} MB"
    return f"{limit / 1024:.3g} KB"


def _decode(raw: bytes) -> Image.Image:
    not_an_image = ValidationError(
        _l("This file is not a JPEG, PNG or WebP image (or it is damaged)."), field=FIELD)
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            probe.verify()  # checks structure (and PNG checksums) without decoding pixels
        image = Image.open(io.BytesIO(raw))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise not_an_image from exc
    if image.format not in FORMATS:
        raise ValidationError(_l("Photos must be JPEG, PNG or WebP images."), field=FIELD)
    if max(image.size) > MAX_DIMENSION:
        raise ValidationError(_l("The photo is %(w)s × %(h)s pixels; the limit is %(max)s pixels on each side.",
                                 w=image.size[0], h=image.size[1], max=MAX_DIMENSION), field=FIELD)
    try:
        image.load()  # a truncated or corrupt image fails here, before we store anything
    except (OSError, SyntaxError, ValueError) as exc:
        raise not_an_image from exc
    return image


def _reencode(image: Image.Image) -> bytes:
    fmt = image.format
    icc = image.info.get("icc_profile")
    image = ImageOps.exif_transpose(image)
    if fmt == "JPEG" and image.mode not in ("RGB", "L", "CMYK"):
        image = image.convert("RGB")
    elif fmt == "WEBP" and image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA")
    options = {"icc_profile": icc} if icc else {}
    if fmt in ("JPEG", "WEBP"):
        options["quality"] = 90
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def store_photo(speaker_id: int, photo: Photo) -> str:
    """Write the photo under a fresh, unguessable name and return that name."""
    directory = photo_dir()
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{speaker_id}-{secrets.token_hex(8)}.{photo.extension}"
    partial = directory / (name + ".part")
    partial.write_bytes(photo.data)
    os.replace(partial, directory / name)
    return name


def photo_path(name: str) -> Path | None:
    """The stored file for a name kept in the database, or None (never outside the folder)."""
    if not name or not _STORED_NAME.match(name):
        return None
    path = photo_dir() / name
    return path if path.is_file() else None


def delete_photo(name: str) -> None:
    path = photo_path(name)
    if path is not None:
        path.unlink(missing_ok=True)


def mimetype_for(name: str) -> str:
    return MIMETYPES[name.rsplit(".", 1)[-1]]
