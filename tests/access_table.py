"""The one access table: every endpoint of the app, who may use it, and a request that
exercises it. ``{name}`` placeholders are filled from ``tests/world.py``:
event (a published event owned by "organiser"), draft_event (a draft owned by
"other_organiser"), series (owned by "organiser"), room_id, slot_id, speaker_id, role_id
(a pending co-organiser role on event), message_id, reset_token, invitation_token, verify_token (of an unverified account),
team_token and team_invitation_id (a pending team invitation on event),
calendar_token (the personal feed token of "participant"), event_message_id (a queued
message of event).

Levels: public (anyone), logged-in (any account), event-organiser (a role on *that*
event, or the owner of *that* series), admin (site administrators).
"""
from eventsys.access import ADMIN, LOGGED_IN, ORGANISER, PUBLIC

ROUTES: dict[str, tuple[str, str, str]] = {
    # endpoint: (level, method, url)
    "static": (PUBLIC, "GET", "/static/css/eventsys.css"),
    "bootstrap.static": (PUBLIC, "GET", "/bootstrap/static/css/bootstrap.min.css"),
    "main.index": (PUBLIC, "GET", "/"),
    "main.healthz": (PUBLIC, "GET", "/healthz"),
    "auth.signup": (PUBLIC, "GET", "/auth/signup"),
    "auth.login": (PUBLIC, "GET", "/auth/login"),
    "auth.reset_request": (PUBLIC, "GET", "/auth/reset"),
    "auth.reset_password": (PUBLIC, "GET", "/auth/reset/{reset_token}"),
    "auth.verify_email": (PUBLIC, "GET", "/auth/verify/{verify_token}"),
    "auth.resend_verification": (LOGGED_IN, "POST", "/auth/verify/resend"),
    "auth.logout": (LOGGED_IN, "POST", "/auth/logout"),
    "auth.profile": (LOGGED_IN, "GET", "/auth/profile"),
    "auth.change_password": (LOGGED_IN, "GET", "/auth/password"),
    "admin.outbox": (ADMIN, "GET", "/admin/outbox"),
    "admin.outbox_retry": (ADMIN, "POST", "/admin/outbox/{message_id}/retry"),
    # --- events (events/) ---
    "events.index": (PUBLIC, "GET", "/events/"),
    "events.show": (PUBLIC, "GET", "/events/{event}/"),
    "events.mine": (LOGGED_IN, "GET", "/events/mine"),
    "events.new": (LOGGED_IN, "GET", "/events/new"),
    "events.manage": (ORGANISER, "GET", "/events/{event}/manage/"),
    "events.edit": (ORGANISER, "GET", "/events/{event}/manage/edit"),
    "events.status": (ORGANISER, "POST", "/events/{event}/manage/status"),
    "cloning.clone": (ORGANISER, "GET", "/events/{event}/manage/clone"),
    "events.delete": (ORGANISER, "POST", "/events/{event}/manage/delete"),
    "events.team": (ORGANISER, "GET", "/events/{event}/manage/team"),
    "events.team_role": (ORGANISER, "POST", "/events/{event}/manage/team/{role_id}/role"),
    "events.team_remove": (ORGANISER, "POST", "/events/{event}/manage/team/{role_id}/remove"),
    "events.team_invitation_revoke": (ORGANISER, "POST",
                                      "/events/{event}/manage/team/invitations/{team_invitation_id}/revoke"),
    "events.team_invitation": (PUBLIC, "GET", "/events/team-invitations/{team_token}"),
    "events.rooms": (ORGANISER, "GET", "/events/{event}/manage/rooms"),
    "events.room_edit": (ORGANISER, "GET", "/events/{event}/manage/rooms/{room_id}/edit"),
    "events.room_delete": (ORGANISER, "POST", "/events/{event}/manage/rooms/{room_id}/delete"),
    # --- end events ---
    # --- series (series/) ---
    "series.new": (LOGGED_IN, "GET", "/series/new"),
    "series.show": (PUBLIC, "GET", "/series/{series}"),
    "series.edit": (ORGANISER, "GET", "/series/{series}/edit"),
    # --- end series ---
    # --- agenda (agenda/) ---
    "agenda.public_agenda": (PUBLIC, "GET", "/events/{event}/agenda"),
    "agenda.slot": (PUBLIC, "GET", "/events/{event}/slots/{slot_id}"),
    "agenda.manage": (ORGANISER, "GET", "/events/{event}/manage/agenda"),
    "agenda.new_slot": (ORGANISER, "POST", "/events/{event}/manage/agenda/new"),
    "agenda.edit_slot": (ORGANISER, "POST", "/events/{event}/manage/agenda/{slot_id}/edit"),
    "agenda.cancel_slot": (ORGANISER, "POST", "/events/{event}/manage/agenda/{slot_id}/cancel"),
    "agenda.restore_slot": (ORGANISER, "POST", "/events/{event}/manage/agenda/{slot_id}/restore"),
    "agenda.delete_slot": (ORGANISER, "POST", "/events/{event}/manage/agenda/{slot_id}/delete"),
    "agenda.import_csv": (ORGANISER, "POST", "/events/{event}/manage/agenda/import"),
    "agenda.export_csv": (ORGANISER, "GET", "/events/{event}/manage/agenda/export.csv"),
    # --- end agenda ---
    # --- registration participant (registration/views.py) ---
    "registration.register": (LOGGED_IN, "GET", "/events/{event}/register"),
    "registration.mine": (LOGGED_IN, "GET", "/events/{event}/registration"),
    "registration.participants": (PUBLIC, "GET", "/events/{event}/participants"),
    "registration.edit": (LOGGED_IN, "GET", "/events/{event}/registration/edit"),
    "registration.cancel": (LOGGED_IN, "POST", "/events/{event}/registration/cancel"),
    "registration.invitation": (PUBLIC, "GET", "/events/{event}/registration/invitation/made-up-token"),
    "registration.decline_invitation": (PUBLIC, "POST", "/events/{event}/registration/invitation/made-up-token/decline"),
    # --- end registration participant ---
    # --- registration organiser (registration/manage.py) ---
    "registration.manage_settings": (ORGANISER, "GET", "/events/{event}/manage/registration/settings"),
    "registration.manage_questions": (ORGANISER, "GET", "/events/{event}/manage/registration/questions"),
    "registration.edit_question": (ORGANISER, "GET", "/events/{event}/manage/registration/questions/{question_id}/edit"),
    "registration.delete_question": (ORGANISER, "POST", "/events/{event}/manage/registration/questions/{question_id}/delete"),
    "registration.add_template_questions": (ORGANISER, "POST", "/events/{event}/manage/registration/questions/template"),
    "registration.manage_participants": (ORGANISER, "GET", "/events/{event}/manage/registration/participants"),
    "registration.manage_participant": (ORGANISER, "GET", "/events/{event}/manage/registration/participants/{participant_registration_id}"),
    "registration.approve_participant": (ORGANISER, "POST", "/events/{event}/manage/registration/participants/{participant_registration_id}/approve"),
    "registration.reject_participant": (ORGANISER, "POST", "/events/{event}/manage/registration/participants/{participant_registration_id}/reject"),
    "registration.cancel_participant": (ORGANISER, "POST", "/events/{event}/manage/registration/participants/{participant_registration_id}/cancel"),
    "registration.move_participant": (ORGANISER, "POST", "/events/{event}/manage/registration/participants/{participant_registration_id}/move"),
    "registration.add_participant": (ORGANISER, "GET", "/events/{event}/manage/registration/participants/add"),
    "registration.export_csv": (ORGANISER, "GET", "/events/{event}/manage/registration/export.csv"),
    "registration.export_xlsx": (ORGANISER, "GET", "/events/{event}/manage/registration/export.xlsx"),
    "registration.message_participants": (ORGANISER, "GET", "/events/{event}/manage/registration/message"),
    "registration.checkin": (ORGANISER, "GET", "/events/{event}/manage/registration/checkin"),
    "registration.checkin_registration": (ORGANISER, "POST", "/events/{event}/manage/registration/checkin/{participant_registration_id}"),
    "registration.undo_checkin": (ORGANISER, "POST", "/events/{event}/manage/registration/checkin/{participant_registration_id}/undo"),
    "registration.checkin_scan": (ORGANISER, "GET", "/events/{event}/manage/registration/checkin/scan/{qr_token}"),
    "registration.attendance": (ORGANISER, "GET", "/events/{event}/manage/registration/attendance"),
    "registration.mark_attendance": (ORGANISER, "POST", "/events/{event}/manage/registration/attendance/{participant_registration_id}"),
    "account.export_data": (LOGGED_IN, "GET", "/auth/export-data"),
    "account.delete_account": (LOGGED_IN, "GET", "/auth/delete-account"),
    # --- end registration organiser ---
    # --- speakers (speakers/) ---
    "speakers.manage_speakers": (ORGANISER, "GET", "/events/{event}/manage/speakers"),
    "speakers.new_speaker": (ORGANISER, "POST", "/events/{event}/manage/speakers/new"),
    "speakers.edit_speaker": (ORGANISER, "GET", "/events/{event}/manage/speakers/{speaker_id}/edit"),
    "speakers.delete_speaker": (ORGANISER, "POST", "/events/{event}/manage/speakers/{speaker_id}/delete"),
    "speakers.invite_speaker": (ORGANISER, "POST", "/events/{event}/manage/speakers/{speaker_id}/invite"),
    "speakers.withdraw_invitation": (ORGANISER, "POST", "/events/{event}/manage/speakers/{speaker_id}/withdraw"),
    "speakers.invitation": (PUBLIC, "GET", "/events/{event}/speakers/invitation/{invitation_token}"),
    "speakers.respond_to_invitation": (PUBLIC, "POST", "/events/{event}/speakers/invitation/{invitation_token}/respond"),
    "speakers.invitation_photo": (PUBLIC, "GET", "/events/{event}/speakers/invitation/{invitation_token}/photo"),
    "speakers.public_speakers": (PUBLIC, "GET", "/events/{event}/speakers"),
    "speakers.public_speaker": (PUBLIC, "GET", "/events/{event}/speakers/{speaker_id}"),
    "speakers.speaker_photo": (PUBLIC, "GET", "/events/{event}/speakers/{speaker_id}/photo"),
    # --- end speakers ---
    # --- feedback (feedback/) ---
    "feedback.my_event": (LOGGED_IN, "GET", "/events/{event}/my"),
    "feedback.answer": (LOGGED_IN, "GET", "/events/{event}/feedback/{feedback_form_id}"),
    "feedback.answer_by_link": (PUBLIC, "GET", "/feedback/answer/{feedback_token}"),
    "feedback.manage_forms": (ORGANISER, "GET", "/events/{event}/manage/feedback"),
    "feedback.create_default_forms": (ORGANISER, "POST", "/events/{event}/manage/feedback/defaults"),
    "feedback.create_form": (ORGANISER, "POST", "/events/{event}/manage/feedback/new"),
    "feedback.edit_form": (ORGANISER, "GET", "/events/{event}/manage/feedback/{feedback_form_id}/edit"),
    "feedback.add_question": (ORGANISER, "POST", "/events/{event}/manage/feedback/{feedback_form_id}/questions/new"),
    "feedback.edit_question": (ORGANISER, "POST", "/events/{event}/manage/feedback/{feedback_form_id}/questions/{feedback_question_id}"),
    "feedback.delete_question": (ORGANISER, "POST", "/events/{event}/manage/feedback/{feedback_form_id}/questions/{feedback_question_id}/delete"),
    "feedback.delete_form": (ORGANISER, "POST", "/events/{event}/manage/feedback/{feedback_form_id}/delete"),
    "feedback.form_results": (ORGANISER, "GET", "/events/{event}/manage/feedback/{feedback_form_id}/results"),
    "feedback.compare": (ORGANISER, "GET", "/events/{event}/manage/feedback/compare"),
    "feedback.export_csv": (ORGANISER, "GET", "/events/{event}/manage/feedback/{feedback_form_id}/export.csv"),
    # --- end feedback ---
    # --- ical (ical/) ---
    "ical.event_feed": (PUBLIC, "GET", "/events/{event}/agenda.ics"),
    "ical.slot_feed": (PUBLIC, "GET", "/events/{event}/slots/{slot_id}.ics"),
    "ical.series_feed": (PUBLIC, "GET", "/series/{series}.ics"),
    "ical.personal_feed": (PUBLIC, "GET", "/calendar/{calendar_token}.ics"),  # the token is the credential
    "ical.my_agenda": (LOGGED_IN, "GET", "/calendar/"),
    "ical.reset": (LOGGED_IN, "POST", "/calendar/reset"),
    # --- end ical ---
    # --- groups (groups/) ---
    "groups.index": (LOGGED_IN, "GET", "/events/{event}/groups"),
    "groups.choose": (LOGGED_IN, "POST", "/events/{event}/groups/rounds/{group_round_id}/choose"),
    "groups.rank": (LOGGED_IN, "GET", "/events/{event}/groups/rounds/{group_round_id}/rank"),
    "groups.manage": (ORGANISER, "GET", "/events/{event}/manage/groups"),
    "groups.new_round": (ORGANISER, "GET", "/events/{event}/manage/groups/rounds/new"),
    "groups.edit_round": (ORGANISER, "GET", "/events/{event}/manage/groups/rounds/{group_round_id}/edit"),
    "groups.delete_round": (ORGANISER, "POST", "/events/{event}/manage/groups/rounds/{group_round_id}/delete"),
    "groups.new_group": (ORGANISER, "GET", "/events/{event}/manage/groups/rounds/{group_round_id}/groups/new"),
    "groups.edit_group": (ORGANISER, "GET", "/events/{event}/manage/groups/{group_id}/edit"),
    "groups.delete_group": (ORGANISER, "POST", "/events/{event}/manage/groups/{group_id}/delete"),
    "groups.assignment": (ORGANISER, "GET", "/events/{event}/manage/groups/rounds/{group_round_id}/assignment"),
    "groups.move": (ORGANISER, "POST", "/events/{event}/manage/groups/rounds/{group_round_id}/move"),
    "groups.lock": (ORGANISER, "POST", "/events/{event}/manage/groups/rounds/{group_round_id}/lock"),
    "groups.publish": (ORGANISER, "POST", "/events/{event}/manage/groups/rounds/{group_round_id}/publish"),
    # --- end groups ---
    # --- what participants receive (eventmail/) ---
    "eventmail.previews_page": (ORGANISER, "GET", "/events/{event}/manage/mail/"),
    "eventmail.outbox": (ORGANISER, "GET", "/events/{event}/manage/mail/outbox"),
    "eventmail.outbox_retry": (ORGANISER, "POST", "/events/{event}/manage/mail/outbox/{event_message_id}/retry"),
}
