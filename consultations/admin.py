"""Staff triage of consultation requests in the admin.

The change list shows the minimum necessary (no names, no answers); the detail page shows the
answers read-only, grouped as in the patient's form, with the workflow's forms beside them.
Every write goes through consultations/services.py; every look at a request's details, every
search by e-mail or phone, every export and every refusal is written to the audit trail.
Who may do what is in consultations/README.md ("Staff triage").
"""

import copy
import io

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.defaultfilters import timesince
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.views.decorators.debug import sensitive_post_parameters

from audit.models import AuditEntry
from audit.services import audit_record, audit_record_many
from booking.models import BookingEmailKind
from booking.selectors import booking_link_state, bookings_for_request
from outbox.selectors import outbound_email_delivery_state, outbound_emails_regarding
from outbox.services import regarding_key

from . import search, services
from .admin_forms import (
    AssignForm,
    NoteForm,
    PatientMessageForm,
    ReopenForm,
    ScreeningForm,
    TransitionForm,
)
from .answers import ANSWER_GROUPS
from .models import (
    ConsultationNote,
    ConsultationRequest,
    EmailKind,
    PatientMessage,
    PatientMessageTemplate,
)
from .selectors import (
    consultation_request_callback_q,
    consultation_request_is_overdue,
    consultation_request_overdue_q,
    response_overdue_cutoff,
)

Status = ConsultationRequest.Status

#: The only columns the change list loads: nothing the patient typed but the contact method.
CHANGELIST_FIELDS = (
    "reference",
    "created_at",
    "status",
    "outcome",
    "assigned_to",
    "contraindication_reported",
    "inclusion_criteria_met",
    "screening_outcome",
    "preferred_contact_method",
    "language",
    "version",
)

#: The detail page's first group: where the request is in the workflow (no PHI).
TRIAGE_FIELDS = (
    "reference",
    "created_at",
    "language",
    "status",
    "outcome",
    "closed_at",
    "assigned_to",
    "flags",
    "screening_outcome",
    "screening_recorded_by",
    "screening_recorded_at",
    "earlier_requests",
)
CONSENT_FIELDS = (
    "consent_notice_version",
    "consent_language",
    "consented_at",
    "anonymised_at",
)

#: Lists of ticked choices, shown as their labels on the detail page.
_LIST_DISPLAY = {"symptoms": "symptoms_list", "treatments_tried": "treatments_list"}
_LIST_LABELS = {
    "symptoms": ConsultationRequest.Symptom,
    "treatments_tried": ConsultationRequest.Treatment,
}


class StatusFilter(admin.SimpleListFilter):
    """Open requests unless asked otherwise: the queue is what staff come for."""

    title = "status"
    parameter_name = "status"
    OPEN = None  # no parameter: the default view
    ALL = "all"

    def lookups(self, request, model_admin):
        return [(self.ALL, "All"), *Status.choices]

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": "Open (not closed)",
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset.open()
        if value in Status.values:
            return queryset.filter(status=value)
        return queryset


class AssigneeFilter(admin.SimpleListFilter):
    title = "assigned to"
    parameter_name = "assignee"

    def lookups(self, request, model_admin):
        staff = services.staff_who_can_work_requests().only("pk", "username")
        return [
            ("me", "Me"),
            ("none", "Nobody"),
            *[(str(user.pk), user.get_username()) for user in staff],
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "me":
            return queryset.filter(assigned_to=request.user)
        if value == "none":
            return queryset.filter(assigned_to__isnull=True)
        if value and value.isdigit():
            return queryset.filter(assigned_to_id=int(value))
        return queryset


class OverdueFilter(admin.SimpleListFilter):
    title = "response target"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue"), ("no", "Within target")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(consultation_request_overdue_q())
        if self.value() == "no":
            return queryset.exclude(consultation_request_overdue_q())
        return queryset


class CallbackFilter(admin.SimpleListFilter):
    """The patients' "please call me" as a task: asked, request open, no time booked yet."""

    title = "callback"
    parameter_name = "callback"

    def lookups(self, request, model_admin):
        return [("yes", "Callback requested")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(consultation_request_callback_q())
        return queryset


class PersonSearchFilter(admin.SimpleListFilter):
    """The change list filtered by a search for an e-mail address or phone number.

    The address carries an opaque id; what it stands for (a blind index) is in the session of
    the staff member who searched, so no e-mail or phone is ever in a URL, link or Referer.
    """

    title = "search"
    parameter_name = "person"

    def lookups(self, request, model_admin):
        # Only the search in the address is listed; without a choice the filter would not run.
        search_id = request.GET.get(self.parameter_name)
        if not search_id:
            return []
        found = search.person_search_recall(request.session, search_id)
        return [(search_id, f"for {found[2]}" if found else "expired: search again")]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        found = search.person_search_recall(request.session, self.value())
        if found is None:
            return queryset.none()  # another session's search, or one that has expired
        field, blind_index, _label = found
        return queryset.filter(**{field: blind_index})


class TriageChangeList(ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        return queryset.only(*CHANGELIST_FIELDS)


def version_input_name(obj):
    """The change list's hidden input carrying the version a row showed."""
    return f"version-{obj.pk}"


def _flag_badges(obj):
    badges = []
    if obj.contraindication_reported:
        badges.append(("badge badge-warning", "possible contraindication"))
    if obj.inclusion_criteria_met:
        badges.append(("badge badge-ok", "inclusion criteria met"))
    if obj.screening_outcome:
        badges.append(("badge badge-info", obj.get_screening_outcome_display()))
    if not badges:
        return "—"
    return format_html_join(" ", '<span class="{}">{}</span>', badges)


@admin.register(ConsultationRequest)
class ConsultationRequestAdmin(admin.ModelAdmin):
    list_display = (
        "reference",
        "created_at",
        "age_in_queue",
        "status_column",
        "assigned_to",
        "flags",
        "contact_method",
        "language",
    )
    list_display_links = ("reference",)
    list_filter = (
        PersonSearchFilter,
        StatusFilter,
        AssigneeFilter,
        OverdueFilter,
        CallbackFilter,
        "contraindication_reported",
        "inclusion_criteria_met",
        "screening_outcome",
        "language",
        "created_at",
    )
    list_select_related = ("assigned_to",)
    list_per_page = 50
    # 100,000 rows: never count the unfiltered table on every page load.
    show_full_result_count = False
    ordering = ("created_at", "pk")
    search_fields = ("=reference",)
    search_help_text = (
        "A reference (TKW-XXXX-XXXX), or a person's exact e-mail address or phone number."
    )
    actions = ("assign_to_me", "mark_spam", "close_as_duplicate", "export_csv")
    change_form_template = "admin/consultations/consultationrequest/change_form.html"
    change_list_template = "admin/consultations/consultationrequest/change_list.html"
    readonly_fields = (
        *TRIAGE_FIELDS,
        "symptoms_list",
        "treatments_list",
        *CONSENT_FIELDS,
    )

    class Media:
        css = {"all": ("consultations/admin/triage.css",)}

    # --- Who may do what --------------------------------------------------------------------

    def has_add_permission(self, request):
        return False  # requests come from patients only

    def has_change_permission(self, request, obj=None):
        return False  # every change goes through the workflow's own forms

    def has_delete_permission(self, request, obj=None):
        return False  # the retention purge is the only way out

    def has_assign_permission(self, request):
        return request.user.has_perm(services.PERMISSION_ASSIGN)

    def has_transition_permission(self, request):
        return request.user.has_perm(services.PERMISSION_TRANSITION)

    def has_export_permission(self, request):
        return request.user.has_perm(services.PERMISSION_EXPORT)

    def _deny(self, request, *, reference="", detail=""):
        """Record a refusal in the audit trail and answer 403."""
        audit_record(
            actor=request.user,
            action=AuditEntry.Action.DENIED,
            reference=reference,
            detail=detail,
            http_request=request,
        )
        raise PermissionDenied

    # --- Change list ------------------------------------------------------------------------

    def get_changelist(self, request, **kwargs):
        return TriageChangeList

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and "action" in request.POST:
            self._refuse_forbidden_action(request)
        if not self.has_view_permission(request):
            self._deny(request, detail="change list")
        term = request.GET.get("q", "")
        if term and search.reference_in(term) is None:
            # Only references are searched through the address; anything else may be PHI.
            messages.warning(
                request,
                "Search for e-mail addresses and phone numbers with the search box above the "
                "list: they are never put in a page's address.",
            )
            return HttpResponseRedirect(
                reverse("admin:consultations_consultationrequest_changelist")
            )
        return super().changelist_view(request, extra_context)

    def search_view(self, request):
        """The search box posts here: a reference goes into the address as `q`; an e-mail or
        phone is remembered in the session and the list is filtered by an opaque id."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_permission(request):
            self._deny(request, detail="search")
        changelist = reverse("admin:consultations_consultationrequest_changelist")
        term = request.POST.get("term", "")
        reference = search.reference_in(term)
        if reference is not None:
            return HttpResponseRedirect(f"{changelist}?q={reference}")
        person = search.person_search_for(term)
        if person is None:
            if term.strip():
                messages.warning(
                    request,
                    "Nothing was searched: enter a reference (TKW-XXXX-XXXX), or a person's "
                    "whole e-mail address or phone number.",
                )
            return HttpResponseRedirect(changelist)
        audit_record(actor=request.user, action=person.audit_action, http_request=request)
        search_id = search.person_search_remember(request.session, person)
        return HttpResponseRedirect(f"{changelist}?person={search_id}")

    def _refuse_forbidden_action(self, request):
        # Django quietly ignores an action the user may not run ("no action selected"); a
        # forged one is refused outright and recorded.
        name = request.POST.get("action", "")
        func = getattr(self.__class__, name, None) if name in self.actions else None
        required = getattr(func, "allowed_permissions", ())
        if self.has_view_permission(request) and all(
            getattr(self, f"has_{perm}_permission")(request) for perm in required
        ):
            return
        selected = request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)
        references = list(
            ConsultationRequest.objects.filter(
                pk__in=[pk for pk in selected if pk.isdigit()]
            ).values_list("reference", flat=True)
        )
        if len(references) > 1:
            audit_record_many(
                actor=request.user,
                action=AuditEntry.Action.DENIED,
                references=references,
                detail=f"action {name}"[:200],
                http_request=request,
            )
            raise PermissionDenied
        self._deny(request, reference="".join(references), detail=f"action {name}"[:200])

    @admin.display(description="in queue for")
    def age_in_queue(self, obj):
        age = timesince(obj.created_at)
        if consultation_request_is_overdue(obj, cutoff=response_overdue_cutoff()):
            return format_html('{} <span class="badge badge-overdue">overdue</span>', age)
        return age

    @admin.display(description="status", ordering="status")
    def status_column(self, obj):
        # The row's version rides in the change list's form beside its checkbox, so a bulk
        # action knows what each request looked like when the list was shown (see _each).
        return format_html(
            '{}<input type="hidden" name="{}" value="{}">',
            obj.get_status_display(),
            version_input_name(obj),
            obj.version,
        )

    @admin.display(description="flags")
    def flags(self, obj):
        return _flag_badges(obj)

    @admin.display(description="preferred contact")
    def contact_method(self, obj):
        return obj.get_preferred_contact_method_display() or "—"

    def get_search_results(self, request, queryset, search_term):
        """A reference only (the search box posts e-mail and phone searches to search_view)."""
        reference = search.reference_in(search_term)
        if reference is None:
            return queryset if not search_term.strip() else queryset.none(), False
        return queryset.filter(reference=reference), False

    # --- Detail page ------------------------------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        answers = [
            (legend, {"fields": [_LIST_DISPLAY.get(name, name) for name in names]})
            for legend, names in ANSWER_GROUPS
        ]
        return [
            ("Triage", {"fields": TRIAGE_FIELDS}),
            *answers,
            ("Consent", {"fields": CONSENT_FIELDS}),
        ]

    def get_readonly_fields(self, request, obj=None):
        names = [name for _legend, names in ANSWER_GROUPS for name in names]
        return [*self.readonly_fields, *[n for n in names if n not in _LIST_DISPLAY]]

    @admin.display(description="features they have")
    def symptoms_list(self, obj):
        return self._labels(obj.symptoms, "symptoms")

    @admin.display(description="treatments tried")
    def treatments_list(self, obj):
        return self._labels(obj.treatments_tried, "treatments_tried")

    @staticmethod
    def _labels(values, field):
        choices = _LIST_LABELS[field]
        labels = [choices(v).label if v in choices.values else v for v in values or ()]
        if not labels:
            return "—"
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((x,) for x in labels))
        )

    @admin.display(description="earlier requests from this person")
    def earlier_requests(self, obj):
        others = (
            ConsultationRequest.objects.from_same_person_as(obj)
            .filter(created_at__lt=obj.created_at)
            .only("pk", "reference", "created_at", "status")
            .order_by("-created_at")
        )
        rows = [
            (
                reverse("admin:consultations_consultationrequest_change", args=[other.pk]),
                other.reference,
                timezone.localtime(other.created_at).strftime("%Y-%m-%d"),
                other.get_status_display(),
            )
            for other in others
        ]
        if not rows:
            return "None (matched by exact e-mail or phone)"
        items = format_html_join("", '<li><a href="{}">{}</a>, {}, {}</li>', rows)
        return format_html("{} earlier: <ul>{}</ul>", len(rows), items)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        steps = [
            path(
                f"<path:object_id>/{step}/",
                wrap(sensitive_post_parameters()(self._step_view(step))),
                name="{}_{}_{}".format(*info, step),
            )
            for step in self.STEPS
        ]
        search_url = path(
            "search/",
            wrap(sensitive_post_parameters()(self.search_view)),
            name="{}_{}_search".format(*info),
        )
        return [search_url, *steps, *super().get_urls()]

    def _visible_object_or_deny(self, request, object_id):
        obj = self.get_object(request, object_id) if str(object_id).isdigit() else None
        if not self.has_view_permission(request, obj):
            self._deny(request, reference=obj.reference if obj else "", detail=request.path[-60:])
        return obj

    def _missing_request_redirect(self, request):
        messages.warning(request, "That consultation request does not exist (any more).")
        return HttpResponseRedirect(reverse("admin:consultations_consultationrequest_changelist"))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self._visible_object_or_deny(request, object_id)
        if request.method != "GET":
            self._deny(request, reference=obj.reference if obj else "", detail="edit refused")
        if obj is None:
            return self._missing_request_redirect(request)
        audit_record(
            actor=request.user,
            action=AuditEntry.Action.VIEWED,
            reference=obj.reference,
            http_request=request,
        )
        context = {**self._workflow_context(request, obj), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, context)

    def delete_view(self, request, object_id, extra_context=None):
        obj = self._visible_object_or_deny(request, object_id)
        self._deny(request, reference=obj.reference if obj else "", detail="delete refused")

    def _workflow_context(self, request, obj):
        user = request.user
        can = {
            "transition": user.has_perm(services.PERMISSION_TRANSITION)
            and bool(services.TRANSITIONS[obj.status]),
            "reopen": user.has_perm(services.PERMISSION_REOPEN)
            and services.Event.REOPEN in services.LIFECYCLE[obj.status],
            "assign": user.has_perm(services.PERMISSION_ASSIGN),
            "screening": user.has_perm(services.PERMISSION_SCREENING),
            "internal_note": user.has_perm(services.PERMISSION_INTERNAL_NOTE),
            "clinical_note": user.has_perm(services.PERMISSION_CLINICAL_NOTE),
            "message": user.has_perm(services.PERMISSION_MESSAGE),
        }
        version = {"version": obj.version}
        return {
            "triage": obj,
            "can": can,
            "transition_form": TransitionForm(initial=version, consultation_request=obj),
            "reopen_form": ReopenForm(initial=version),
            "assign_form": AssignForm(initial={**version, "assignee": obj.assigned_to_id}),
            "screening_form": ScreeningForm(
                initial={**version, "outcome": obj.screening_outcome or None}
            ),
            "internal_note_form": NoteForm(initial={"kind": ConsultationNote.Kind.INTERNAL}),
            "clinical_note_form": NoteForm(initial={"kind": ConsultationNote.Kind.CLINICAL}),
            "notes": obj.notes.select_related("author"),
            **self._patient_context(request, obj),
        }

    def _patient_context(self, request, obj):
        """The request's bookings, its booking link, and the messages sent to the patient."""
        user = request.user
        bookings = list(bookings_for_request(consultation_request=obj))
        book_url = ""
        if (
            user.has_perm("booking.change_booking")
            and obj.accepts_bookings
            and not any(booking.is_active for booking in bookings)
        ):
            book_url = f"{reverse('admin:booking_booking_book')}?reference={obj.reference}"
        sent = (
            PatientMessage.objects.filter(consultation_request=obj)
            .select_related("sent_by", "outbound_email")
            .only(
                "what",
                "created_at",
                "sent_by__username",
                *(
                    f"outbound_email__{name}"
                    for name in ("status", "attempts", "last_error", "sent_at", "next_attempt_at")
                ),
            )
        )
        return {
            "bookings": bookings,
            "booking_admin": user.has_perm("booking.view_booking"),
            "book_url": book_url,
            "link_state": booking_link_state(consultation_request=obj),
            "message_form": PatientMessageForm(),
            "patient_messages": [
                (message, outbound_email_delivery_state(message.outbound_email)) for message in sent
            ],
            "patient_emails": self._patient_emails(obj),
        }

    # Staff alerts go to staff; messages from this page have their own table above.
    NOT_PATIENT_EMAILS = (
        EmailKind.STAFF_ALERT,
        BookingEmailKind.STAFF_ALERT,
        EmailKind.PATIENT_MESSAGE,
    )

    def _patient_emails(self, obj):
        """The mails the site queued to the patient about this request, with their delivery."""
        labels = dict(EmailKind.choices) | dict(BookingEmailKind.choices)
        emails = outbound_emails_regarding(
            regarding_key(obj), exclude_kinds=self.NOT_PATIENT_EMAILS
        )
        return [
            (
                email,
                capfirst(labels.get(email.kind, email.kind).removeprefix("Patient: ")),
                outbound_email_delivery_state(email),
            )
            for email in emails
        ]

    # --- The workflow's forms, each posting to its own URL ------------------------------------

    STEPS = ("transition", "reopen", "assign", "note", "screening", "message", "link")

    def _step_view(self, step):
        def view(request, object_id):
            obj = self._visible_object_or_deny(request, object_id)
            if request.method != "POST":
                return HttpResponseNotAllowed(["POST"])
            if obj is None:
                return self._missing_request_redirect(request)
            try:
                message = getattr(self, f"_do_{step}")(request, obj)
            except PermissionDenied:
                self._deny(request, reference=obj.reference, detail=f"{step} refused")
            except ValidationError as error:
                for text in error.messages:
                    messages.error(request, text)
                return self._refused_step_page(request, obj, step)
            messages.success(request, message)
            return HttpResponseRedirect(obj.get_admin_url())

        return view

    #: The detail page's context name of each step's form (a note's depends on its kind).
    STEP_FORMS = {
        "transition": ("transition_form", TransitionForm),
        "reopen": ("reopen_form", ReopenForm),
        "assign": ("assign_form", AssignForm),
        "screening": ("screening_form", ScreeningForm),
        ConsultationNote.Kind.INTERNAL: ("internal_note_form", NoteForm),
        ConsultationNote.Kind.CLINICAL: ("clinical_note_form", NoteForm),
        "message": ("message_form", PatientMessageForm),
    }

    def _refused_step_page(self, request, obj, step):
        """The detail page again, the refused form holding what was typed, beside the message.

        A redirect would lose a note or a reason typed at length. The form carries the request's
        version as it is now, so once the person has read the page as it stands, sending the
        form again applies their change to it.
        """
        key = request.POST.get("kind") if step == "note" else step
        bound = {}
        if key in self.STEP_FORMS:  # a step without a form here gets the page as it stands
            name, form_class = self.STEP_FORMS[key]
            data = request.POST.copy()
            current = ConsultationRequest.objects.filter(pk=obj.pk).values_list(
                "version", flat=True
            )
            if "version" in form_class.base_fields and current:
                data["version"] = current[0]
            kwargs = {"consultation_request": obj} if form_class is TransitionForm else {}
            bound[name] = form_class(data, **kwargs)
        # The page is drawn as for a GET: nothing is saved through the admin's own form.
        shown = copy.copy(request)
        shown.method = "GET"
        return self.change_view(shown, str(obj.pk), extra_context=bound)

    @staticmethod
    def _invalid(form):
        return ValidationError(
            [
                f"{form.fields[name].label or name}: {' '.join(errs)}"
                for name, errs in form.errors.items()
            ]
        )

    def _do_transition(self, request, obj):
        form = TransitionForm(request.POST)
        if not form.is_valid():
            raise self._invalid(form)
        services.consultation_request_transition(
            request=obj,
            to=form.cleaned_data["to"],
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
            by=request.user,
            expected_version=form.cleaned_data["version"],
            http_request=request,
        )
        return f"{obj.reference} is now “{obj.get_status_display()}”."

    def _do_reopen(self, request, obj):
        form = ReopenForm(request.POST)
        if not form.is_valid():
            raise self._invalid(form)
        services.consultation_request_reopen(
            request=obj,
            by=request.user,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
            http_request=request,
        )
        return f"{obj.reference} is reopened: it is “{obj.get_status_display()}” again."

    def _do_assign(self, request, obj):
        form = AssignForm(request.POST)
        if not form.is_valid():
            raise self._invalid(form)
        assignee = form.cleaned_data["assignee"]
        services.consultation_request_assign(
            request=obj,
            assignee=assignee,
            by=request.user,
            expected_version=form.cleaned_data["version"],
            http_request=request,
        )
        return (
            f"{obj.reference} is assigned to {assignee.get_username() if assignee else 'nobody'}."
        )

    def _do_note(self, request, obj):
        form = NoteForm(request.POST)
        if not form.is_valid():
            raise self._invalid(form)
        services.consultation_note_add(
            request=obj,
            by=request.user,
            text=form.cleaned_data["text"],
            kind=form.cleaned_data["kind"],
            http_request=request,
        )
        return "Note added."

    def _do_screening(self, request, obj):
        form = ScreeningForm(request.POST)
        if not form.is_valid():
            raise self._invalid(form)
        services.consultation_request_record_screening(
            request=obj,
            outcome=form.cleaned_data["outcome"],
            by=request.user,
            expected_version=form.cleaned_data["version"],
            http_request=request,
        )
        return f"Screening outcome recorded: {obj.get_screening_outcome_display()}."

    def _do_message(self, request, obj):
        form = PatientMessageForm(request.POST)
        if not form.is_valid():
            raise self._invalid(form)
        message = services.patient_message_send(
            request=obj,
            template=form.cleaned_data["template"],
            text=form.cleaned_data["text"],
            by=request.user,
            http_request=request,
        )
        return f"“{message.what}” is queued for the patient; its delivery is shown below."

    def _do_link(self, request, obj):
        services.consultation_request_booking_link_resend(
            request=obj, by=request.user, http_request=request
        )
        return "A new booking link is queued for the patient; links sent before no longer work."

    # --- Bulk actions: the same services, one request at a time -----------------------------

    def _each(self, request, queryset, change, done):
        """Call `change(obj, expected_version)` for each selected request.

        The version is the one its row showed when the list was drawn: a request a colleague
        changed since is skipped and named, not taken over. Rows that were not on the page
        ("select all" across pages) carry none: those use the version read now.
        """
        changed, stale = 0, []
        for obj in queryset:
            shown = request.POST.get(version_input_name(obj), "")
            try:
                change(obj, int(shown) if shown.isdigit() else None)
            except services.ConcurrentChangeError:
                stale.append(obj.reference)
            except ValidationError as error:
                for text in error.messages:
                    messages.warning(request, text)
            else:
                changed += 1
        if stale:
            messages.warning(
                request,
                f"Skipped {', '.join(stale)}: changed by someone else since the list was "
                "shown. Nothing was changed on them; look at them again.",
            )
        if changed:
            messages.success(request, f"{changed} request(s) {done}.")

    @admin.action(description="Assign the selected requests to me", permissions=["assign"])
    def assign_to_me(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda obj, version: services.consultation_request_assign(
                request=obj,
                assignee=request.user,
                by=request.user,
                expected_version=version,
                http_request=request,
            ),
            "assigned to you",
        )

    def _close(self, request, queryset, outcome, done):
        self._each(
            request,
            queryset,
            lambda obj, version: services.consultation_request_transition(
                request=obj,
                to=Status.CLOSED,
                outcome=outcome,
                by=request.user,
                expected_version=version,
                http_request=request,
            ),
            done,
        )

    @admin.action(description="Close the selected requests as spam", permissions=["transition"])
    def mark_spam(self, request, queryset):
        self._close(request, queryset, ConsultationRequest.Outcome.SPAM, "closed as spam")

    @admin.action(
        description="Close the selected requests as duplicates", permissions=["transition"]
    )
    def close_as_duplicate(self, request, queryset):
        self._close(
            request, queryset, ConsultationRequest.Outcome.DUPLICATE, "closed as duplicates"
        )

    @admin.action(description="Export the selected requests to CSV", permissions=["export"])
    def export_csv(self, request, queryset):
        # A byte order mark first: without it spreadsheet programs read the file in a legacy
        # encoding and show "JosÃ©" for "José".
        out = io.StringIO()
        out.write("\ufeff")
        services.consultation_requests_export_csv(
            requests=queryset, by=request.user, out=out, http_request=request
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="consultation-requests-{stamp}.csv"'
        )
        response["Cache-Control"] = "no-store"
        return response


@admin.register(PatientMessageTemplate)
class PatientMessageTemplateAdmin(admin.ModelAdmin):
    """The clinic's words for messages to patients; kept by whoever holds its model permissions
    (the Intake coordinator role: view, add, change; untick "offered" instead of deleting)."""

    list_display = ("name", "staff_write_text", "is_active", "position")
    list_editable = ("is_active", "position")
    fields = ("name", "body", "body_es", "staff_write_text", "is_active", "position")


# Booking's admin (availability, types, bookings) lives in its own module.
