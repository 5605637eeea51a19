from __future__ import annotations

from flask_babel import get_locale, lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from eventsys.forms import ActionForm, apply_domain_error, as_choices  # noqa: F401  (re-exported)
from eventsys.forms import SingleLineEmailField, SingleLineField, WebAddressField
from eventsys.reference import country_choices
from eventsys.speakers.services import BIO_MAX, ORGANISER_FIELDS, PROFILE_FIELDS

PHOTO_TYPES = "image/jpeg,image/png,image/webp"


class SpeakerProfileForm(FlaskForm):
    """What a speaker may edit about themself (also the first part of the organiser's form)."""
    name = SingleLineField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=200)])
    title = SingleLineField(_l("Title or position"), validators=[Optional(), Length(max=200)],
                            description=_l("For example: Professor of Bioethics."))
    organisation = SingleLineField(_l("Organisation"), validators=[Optional(), Length(max=200)])
    country = SelectField(_l("Country"), validate_choice=False)
    bio = TextAreaField(_l("Short biography"), validators=[Optional(), Length(max=BIO_MAX)],
                        description=_l("Up to 5000 characters. Markdown is supported: *italic*, "
                                       "**bold**, [link](https://example.org), lists."))
    photo = FileField(_l("Upload a photo"), render_kw={"accept": PHOTO_TYPES},
                      description=_l("JPEG, PNG or WebP, at most 2 MB and 4000 pixels on each side. "
                                     "A square portrait looks best. An uploaded photo is shown "
                                     "instead of the photo address."))
    remove_photo = BooleanField(_l("Remove the uploaded photo"))
    photo_url = WebAddressField(_l("Photo address (URL)"), validators=[Optional(), Length(max=500)], https_only=True,
                                render_kw={"inputmode": "url"},
                                description=_l("Instead of uploading: a link to a photo, starting with https://."))
    submit = SubmitField(_l("Save profile"))

    fields_for_service = PROFILE_FIELDS

    def fill_choices(self):
        self.country.choices = as_choices([("", _l("— not given —"))] + country_choices(str(get_locale() or "en")))
        return self

    def values(self) -> dict:
        """The form's data in the shape the speaker services take."""
        data = {key: getattr(self, key).data for key in self.fields_for_service}
        data.update(photo=self.photo.data, remove_photo=self.remove_photo.data)
        return data


class SpeakerForm(SpeakerProfileForm):
    """The organiser's form: the profile plus contact address and account link."""
    email = SingleLineEmailField(_l("Email address"), validators=[Optional(), Length(max=254)],
                                 description=_l("Used for the invitation only; never shown publicly."))
    user_email = SingleLineEmailField(_l("Linked account"), validators=[Optional(), Length(max=254)],
                                      description=_l("Optional: the email address of the speaker's eventsys "
                                                     "account. Leave empty for no link."))
    submit = SubmitField(_l("Save speaker"))

    fields_for_service = ORGANISER_FIELDS + ("user_email",)


class InvitationResponseForm(FlaskForm):
    confirm = SubmitField(_l("Yes, I will speak"))
    decline = SubmitField(_l("No, I cannot speak"))
