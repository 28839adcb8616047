"""The public side of access requests (issue 16.5): register as a researcher, verify the e-mail
address by a signed link, ask for access to one researcher-only record, see and withdraw one's
requests. The archivists' side is archive_collections/admin/access_requests.py; the models and
the grants the access policy reads are in models/access_requests.py.

Only a record that admits it exists (researcher-level, not embargoed: browsing.refuse_hidden)
can be asked for; a staff-only or embargoed record answers exactly like an unknown identifier.
"""

from __future__ import annotations

from axes.helpers import get_client_ip_address
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes, force_str
from django.utils.http import (
    url_has_allowed_host_and_scheme,
    urlencode,
    urlsafe_base64_decode,
    urlsafe_base64_encode,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .access import RESEARCHERS, AccessPolicy
from .models import AccessRequest, AccessRequestStatus, Item, ResearcherProfile

PURPOSE_MIN = 20
THROTTLE_KEY = "archive-register:{}"


class EmailVerificationTokens(PasswordResetTokenGenerator):
    """Signed, expiring (settings.PASSWORD_RESET_TIMEOUT) and single-use: the hash covers
    is_active, so the link stops working once it has activated the account."""

    key_salt = "archive_collections.access_requests.EmailVerificationTokens"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.email}{user.is_active}{timestamp}"


verification_tokens = EmailVerificationTokens()


# Forms -----------------------------------------------------------------------------------------


class DescribedForm(forms.Form):
    """Each input names its help text and errors (aria-describedby, aria-invalid), which
    includes/access_field.html renders with the matching ids."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for bound in self:
            described = [f"{bound.id_for_label}-help"] if bound.help_text else []
            if self.is_bound and bound.errors:
                described.append(f"{bound.id_for_label}-errors")
                bound.field.widget.attrs["aria-invalid"] = "true"
            if described:
                bound.field.widget.attrs["aria-describedby"] = " ".join(described)


class RegistrationForm(DescribedForm):
    name = forms.CharField(label=gettext_lazy("Full name"), max_length=150)
    email = forms.EmailField(label=gettext_lazy("E-mail address"), max_length=150)
    institution = forms.CharField(label=gettext_lazy("Institution"), max_length=200)
    research_purpose = forms.CharField(
        label=gettext_lazy("Research purpose"),
        widget=forms.Textarea(attrs={"rows": 4}),
        min_length=PURPOSE_MIN,
        max_length=2000,
        help_text=gettext_lazy("What you are researching and why you need the archive."),
    )
    password1 = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=gettext_lazy("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        super().clean()
        data = self.cleaned_data
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first and data.get("email"):
            probe = get_user_model()(
                username=data["email"], email=data["email"], first_name=data.get("name", "")
            )
            try:
                validate_password(first, probe)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


class AccessRequestForm(DescribedForm):
    purpose = forms.CharField(
        label=gettext_lazy("Purpose of your request"),
        widget=forms.Textarea(attrs={"rows": 4}),
        min_length=PURPOSE_MIN,
        max_length=2000,
        help_text=gettext_lazy(
            "Say what you are researching and how this record helps; the archivists read it."
        ),
    )


# Pages ------------------------------------------------------------------------------------------


def _next_path(request, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


def restricted_context(request, item: Item) -> dict:
    """What the 403 page of a researcher-only record offers this visitor (nothing of the
    record itself: only its URL, which the visitor typed)."""
    user = request.user
    context: dict = {
        "item_path": item.get_absolute_url(),
        "register_url": reverse("collections:register")
        + "?"
        + urlencode({"next": item.get_absolute_url()}),
    }
    if user.is_authenticated:
        context["pending"] = (
            AccessRequest.objects.filter(user=user, item=item, status=AccessRequestStatus.PENDING)
            .only("created_at")
            .first()
        )
        context["request_url"] = reverse(
            "collections:request_access", kwargs={"identifier": item.identifier}
        )
        context.setdefault("request_form", AccessRequestForm())
    return context


def _restricted(request, item: Item, status: int, **extra):
    context = restricted_context(request, item)
    context.update(extra)
    return render(request, "collections/item_restricted.html", context, status=status)


def _refused(request, message: str, status: int, link: str = ""):
    return render(
        request,
        "collections/access_request_refused.html",
        {"message": message, "link": link},
        status=status,
    )


@require_POST
def request_access(request, identifier: str):
    """A signed-in user without rights asks for one researcher-only record."""
    item = Item.objects.select_related("series").filter(identifier=identifier).first()
    unknown = _("There is no record with this identifier, so there is nothing to request.")
    if item is None:
        return _refused(request, unknown, 404)
    policy = AccessPolicy.for_user(request.user)
    if AccessPolicy.anonymous().can_view(item):
        return _refused(
            request,
            _("This record is public: anyone can read it, no request is needed."),
            400,
            item.get_absolute_url(),
        )
    if item.access_level != RESEARCHERS or policy.is_embargoed(item):
        return _refused(request, unknown, 404)  # staff-only or embargoed: as if unknown
    if not request.user.is_authenticated:
        login = reverse(settings.LOGIN_URL)
        return redirect(f"{login}?{urlencode({'next': item.get_absolute_url()})}")
    if policy.can_view(item):
        return _refused(
            request, _("You can already read this record."), 400, item.get_absolute_url()
        )
    form = AccessRequestForm(request.POST)
    if not form.is_valid():
        return _restricted(request, item, 400, request_form=form)
    try:
        with transaction.atomic():
            AccessRequest.objects.create(
                user=request.user,
                item=item,
                purpose=form.cleaned_data["purpose"],
                language=translation.get_language() or settings.LANGUAGE_CODE,
            )
    except IntegrityError:  # one open request per user and record (a constraint)
        return _restricted(request, item, 409, duplicate=True)
    return redirect(reverse("collections:my_access_requests") + "?sent=1", permanent=False)


@login_required
def my_access_requests(request):
    requests = AccessRequest.objects.filter(user=request.user).select_related("item")
    return render(
        request,
        "collections/my_access_requests.html",
        {"access_requests": requests, "sent": request.GET.get("sent") == "1"},
    )


@require_POST
@login_required
def withdraw_access_request(request, pk: int):
    access_request = get_object_or_404(AccessRequest, pk=pk)
    if access_request.user_id != request.user.pk:
        return HttpResponseForbidden(_("This request is not yours."))
    if not access_request.is_pending:
        return _refused(request, _("Only a pending request can be withdrawn."), 400)
    access_request.status = AccessRequestStatus.WITHDRAWN
    access_request.decided_at = timezone.now()
    access_request.save(update_fields=["status", "decided_at"])
    return redirect("collections:my_access_requests")


# Registration ------------------------------------------------------------------------------------


def _throttled(request) -> bool:
    """Registration attempts per client address, counted and limited like failed logins
    (settings.AXES_FAILURE_LIMIT per AXES_COOLOFF_TIME, the address as django-axes reads it)."""
    key = THROTTLE_KEY.format(get_client_ip_address(request) or "unknown")
    window = int(settings.AXES_COOLOFF_TIME.total_seconds())
    cache.add(key, 0, window)
    try:
        attempts = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        attempts = 1
    return attempts > settings.AXES_FAILURE_LIMIT


def register(request):
    next_path = _next_path(request, request.POST.get("next") or request.GET.get("next"))
    if request.user.is_authenticated:
        return redirect(next_path or "collections:my_access_requests")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST":
        if _throttled(request):
            minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds()) // 60)
            response = render(
                request,
                "collections/register_throttled.html",
                {"minutes": minutes},
                status=429,
            )
            response["Retry-After"] = str(minutes * 60)
            return response
        if form.is_valid():
            _register(request, form.cleaned_data, next_path)
            return redirect(reverse("collections:register_sent"))
    return render(
        request,
        "collections/register.html",
        {"form": form, "next": next_path},
        status=400 if form.is_bound else 200,
    )


def _register(request, data: dict, next_path: str) -> None:
    """Create the inactive account and send the link; to an address already registered, a
    note (or the link again) instead, so the form never tells who has an account."""
    users = get_user_model()
    language = translation.get_language() or settings.LANGUAGE_CODE
    existing = users.objects.filter(email__iexact=data["email"]).first()
    existing = existing or users.objects.filter(username__iexact=data["email"]).first()
    if existing is not None and existing.is_active:
        _mail(existing, "collections/email/already_registered", language, {})
        return
    if existing is None:
        with transaction.atomic():
            user = users.objects.create_user(
                username=data["email"],
                email=data["email"],
                password=data["password1"],
                first_name=data["name"],
                is_active=False,
            )
            ResearcherProfile.objects.create(
                user=user,
                institution=data["institution"],
                research_purpose=data["research_purpose"],
                language=language,
            )
    else:
        user = existing  # registered, never verified: the link once more
    link = request.build_absolute_uri(
        reverse(
            "collections:verify_email",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": verification_tokens.make_token(user),
            },
        )
    )
    if next_path:
        link += "?" + urlencode({"next": next_path})
    _mail(user, "collections/email/verify", language, {"link": link})


def _mail(user, template: str, language: str, context: dict) -> None:
    with translation.override(language):
        context = {"user": user, "site_name": settings.WAGTAIL_SITE_NAME, **context}
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}.txt", context)
    send_mail(subject, body, None, [user.email])


def register_sent(request):
    return render(request, "collections/register_sent.html")


def verify_email(request, uidb64: str, token: str):
    users = get_user_model()
    try:
        user = users.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, users.DoesNotExist):
        user = None
    if user is None or not verification_tokens.check_token(user, token):
        return render(request, "collections/verify_failed.html", status=400)
    user.is_active = True
    user.save(update_fields=["is_active"])
    ResearcherProfile.objects.filter(user=user).update(verified_at=timezone.now())
    next_path = _next_path(request, request.GET.get("next")) or reverse("collections:index")
    login_url = f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': next_path})}"
    return render(request, "collections/verify_done.html", {"login_url": login_url})


# The decision, told to the requester ---------------------------------------------------------


def send_decision(access_request: AccessRequest, record_url: str) -> None:
    """E-mail the requester the archivists' decision, in the language they asked in."""
    template = (
        "collections/email/request_approved"
        if access_request.status == AccessRequestStatus.APPROVED
        else "collections/email/request_declined"
    )
    _mail(
        access_request.user,
        template,
        access_request.language,
        {"access_request": access_request, "record_url": record_url},
    )
