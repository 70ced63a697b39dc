// Signing in and up (clients and new organizations), and each person's settings.

import { ApiError, api, session } from "../api.js";
import { LANGUAGES, language, setLanguage, t } from "../i18n.js";
import { card, flash, form, h, page } from "../ui.js";

export function timeZoneOptions(selected) {
  const zones = Intl.supportedValuesOf ? Intl.supportedValuesOf("timeZone") : ["Africa/Nairobi", "UTC"];
  const all = zones.includes(selected) || !selected ? zones : [selected, ...zones];
  return all.map((zone) => ({ value: zone, label: zone.replace(/_/g, " ") }));
}

export const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "Africa/Nairobi";

// A token answer (sign-in, an accepted invitation, a reset password) becomes this browser's sign-in.
export async function startSession(token) {
  session.start(token.access_token, token.user);
  const me = await api.get("/me");
  session.remember(me);
  // The account's language wins over whatever this browser showed before signing in.
  setLanguage(me.language);
  return me;
}

async function signIn(email, password) {
  return startSession(await api.post("/auth/token", { email, password }));
}

const TWO_FACTOR = ["two_factor_required", "two_factor_invalid"];

function signInPage({ query, navigate }) {
  const goOn = (user) => navigate(query.next && query.next.startsWith("/") ? query.next : home(user));
  const element = form({
    id: "sign-in",
    fields: [
      { name: "email", label: t("field.email"), type: "email", autocomplete: "username", required: true },
      { name: "password", label: t("field.password"), type: "password", autocomplete: "current-password", required: true },
      { name: "code", label: t("signin.code"), autocomplete: "one-time-code", inputmode: "numeric", spellcheck: "false",
        maxlength: 20, hint: t("signin.code_hint") },
    ],
    submit: t("signin.submit"),
    onSubmit: async ({ email, password, code }) => {
      let token;
      try {
        token = await api.post("/auth/token", { email, password, ...(code ? { code } : {}) });
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 401 && TWO_FACTOR.includes(error.details.reason))) throw error;
        // Two-factor sign-in is on: the password was right; now the code from the authenticator app.
        const asked = codeField.hidden;
        codeField.hidden = false;
        codeInput.required = true;
        if (asked && !code) {
          codeInput.focus();
          return;
        }
        throw new ApiError(401, { error: { code: "unauthorized", message: t("signin.code_wrong"),
          details: { code: [t("signin.code_wrong")] } } });
      }
      const me = await startSession(token);
      // The organization asks for two-factor sign-in and this person has none yet: set it up first.
      if (token.two_factor_setup_required) navigate("/security?setup=1");
      else goOn(me);
    },
  });
  const codeInput = element.querySelector("#sign-in-code");
  const codeField = codeInput.closest(".field");
  codeField.hidden = true;
  return page(t("signin.title"),
    query.expired ? h("p", { class: "notice", role: "status" }, t("signin.expired")) : null,
    query.reset ? h("p", { class: "notice", role: "status" }, t("signin.after_reset")) : null,
    element,
    h("p", {}, h("a", { href: "#/forgot", id: "forgot-link" }, t("signin.forgot_link"))),
    h("p", {}, t("signin.new_here"), " ", h("a", { href: "#/sign-up" }, t("signin.sign_up_link"))),
    h("p", {}, h("a", { href: "#/organizations/new" }, t("signin.new_organization_link"))));
}

export function home(user) {
  if (user.role === "client") return "/book";
  if (user.role === "counselor") return "/agenda";
  return "/report";
}

function signUpPage({ query, navigate }) {
  const zone = browserTimeZone();
  return page(t("signup.title"),
    h("p", {}, t("signup.intro")),
    form({
      id: "sign-up",
      fields: [
        { name: "org_slug", label: t("field.org_slug"), value: query.org || "", required: true, hint: t("signup.org_hint"), autocomplete: "organization" },
        { name: "name", label: t("field.name"), required: true, autocomplete: "name" },
        { name: "email", label: t("field.email"), type: "email", required: true, autocomplete: "email" },
        { name: "phone", label: t("field.phone"), type: "tel", autocomplete: "tel", hint: t("signup.phone_hint") },
        { name: "password", label: t("field.password"), type: "password", required: true, autocomplete: "new-password", hint: t("signup.password_hint") },
        { name: "timezone", label: t("field.timezone"), type: "select", value: zone, options: timeZoneOptions(zone) },
      ],
      submit: t("signup.submit"),
      onSubmit: async (values) => {
        await api.post("/auth/register", { ...values, phone: values.phone || null, language: language() });
        await signIn(values.email, values.password);
        flash(t("signup.welcome"));
        navigate("/book");
      },
    }),
    h("p", {}, t("signup.have_account"), " ", h("a", { href: "#/sign-in" }, t("nav.sign_in"))));
}

function newOrganizationPage({ navigate }) {
  return page(t("org.title"),
    h("p", {}, t("org.intro")),
    form({
      id: "new-organization",
      fields: [
        { name: "name", label: t("field.org_name"), required: true, autocomplete: "organization" },
        { name: "slug", label: t("field.org_slug"), required: true, hint: t("org.slug_hint") },
        { name: "admin.name", label: t("field.your_name"), required: true, autocomplete: "name" },
        { name: "admin.email", label: t("field.email"), type: "email", required: true, autocomplete: "email" },
        { name: "admin.password", label: t("field.password"), type: "password", required: true, autocomplete: "new-password", hint: t("signup.password_hint") },
      ],
      submit: t("org.submit"),
      onSubmit: async (values) => {
        const admin = { name: values["admin.name"], email: values["admin.email"], password: values["admin.password"] };
        await api.post("/organizations", { name: values.name, slug: values.slug, admin });
        await signIn(admin.email, admin.password);
        flash(t("org.created"));
        navigate("/branches");
      },
    }));
}

const OFFSETS = [10080, 1440, 120, 60, 30, 15];

// "1 day before", "2 hours before": how long before a session a reminder goes.
export function beforeLabel(minutes) {
  if (minutes === 1440) return t("offset.day");
  if (minutes === 60) return t("offset.hour");
  if (minutes % 1440 === 0) return t("offset.days", { n: minutes / 1440 });
  if (minutes % 60 === 0) return t("offset.hours", { n: minutes / 60 });
  return t("offset.minutes", { n: minutes });
}

async function settingsPage({ user, render }) {
  const preferences = await api.get("/me/notification-preferences");
  const channels = preferences.channels || {};
  const offsets = new Set(preferences.reminder_offsets_minutes || []);
  const choices = [...new Set([...OFFSETS, ...offsets])].sort((a, b) => b - a);
  return page(t("settings.title"),
    h("p", {}, h("a", { href: "#/security", id: "security-link" }, t("settings.security_link"))),
    card(t("settings.language"),
      form({
        id: "language-form",
        fields: [{ name: "language", label: t("nav.language"), type: "select", value: language(),
          options: Object.entries(LANGUAGES).map(([value, label]) => ({ value, label })) }],
        submit: t("common.save"),
        onSubmit: async (values) => {
          session.remember(await api.patch("/me", { language: values.language }));
          setLanguage(values.language);
          flash(t("settings.saved"));
          render();
        },
      })),
    card(t("settings.you"),
      h("dl", { class: "facts" }, h("dt", {}, t("field.email")), h("dd", {}, user.email)),
      form({
        id: "details",
        fields: [
          { name: "name", label: t("field.name"), value: user.name, required: true, autocomplete: "name" },
          { name: "phone", label: t("field.phone"), type: "tel", value: user.phone || "", autocomplete: "tel", hint: t("signup.phone_hint") },
          { name: "timezone", label: t("field.timezone"), type: "select", value: user.timezone, options: timeZoneOptions(user.timezone),
            hint: t("settings.timezone_hint") },
        ],
        submit: t("common.save"),
        onSubmit: async (values) => {
          const changed = {};
          if (values.name !== user.name) changed.name = values.name;
          if ((values.phone || null) !== (user.phone || null)) changed.phone = values.phone || null;
          if (values.timezone !== user.timezone) changed.timezone = values.timezone;
          if (Object.keys(changed).length) session.remember(await api.patch("/me", changed));
          flash(t("settings.saved"));
          render();
        },
      })),
    card(t("settings.notifications"),
      form({
        id: "preferences",
        fields: [
          h("p", { class: "hint" }, t("settings.channels_hint")),
          { name: "email", label: t("channel.email"), type: "checkbox", value: channels.email },
          { name: "sms", label: t("channel.sms"), type: "checkbox", value: channels.sms },
          { name: "in_app", label: t("channel.in_app"), type: "checkbox", value: channels.in_app },
          h("p", { class: "hint" }, t("settings.offsets_hint")),
          ...choices.map((minutes) => ({ name: `offset-${minutes}`, label: beforeLabel(minutes), type: "checkbox", value: offsets.has(minutes) })),
        ],
        submit: t("common.save"),
        onSubmit: async (values) => {
          await api.put("/me/notification-preferences", {
            channels: { email: values.email, sms: values.sms, in_app: values.in_app },
            reminder_offsets_minutes: choices.filter((minutes) => values[`offset-${minutes}`]),
          });
          flash(t("settings.saved"));
        },
      })));
}

export const routes = [
  { path: "/sign-in", page: signInPage, public: false },
  { path: "/sign-up", page: signUpPage, public: false },
  { path: "/organizations/new", page: newOrganizationPage, public: false },
  { path: "/settings", page: settingsPage, roles: ["client", "counselor", "admin"] },
];
