"""URLs of account pages."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from curim.accounts import views
from curim.accounts.forms import EmailAuthenticationForm, QueuedPasswordResetForm

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("register/", views.register, name="register"),
    path("register/done/", views.register_done, name="register_done"),
    path("confirm/<uuid:user_id>/<str:token>/", views.confirm, name="confirm"),
    path("profile/", views.profile, name="profile"),
    path("2fa/setup/", views.twofactor_setup, name="twofactor_setup"),
    path("2fa/verify/", views.twofactor_verify, name="twofactor_verify"),
    path("delete/", views.delete, name="delete"),
    path(
        "password/change/",
        views.PasswordChangeView.as_view(success_url=reverse_lazy("accounts:password_change_done")),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            form_class=QueuedPasswordResetForm,
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("accounts:password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
