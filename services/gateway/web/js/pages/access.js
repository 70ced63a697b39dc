// Getting in and keeping an account safe: accepting an invitation, a forgotten password, two-factor
// sign-in, signing out everywhere and (org admins) requiring two-factor sign-in of all staff.

import { ApiError, api, session } from "../api.js";
import { t } from "../i18n.js";
import { alertBox, button, card, confirmButton, flash, form, h, page } from "../ui.js";
import { home, startSession } from "./account.js";

const STAFF = ["counselor", "branch_admin", "org_admin"];

// A link's token that no longer works (used, expired, replaced by a newer one) is said plainly,
// with what to do next, instead of the API's field message about `token`.
function deadLink(error, text) {
  if (!(error instanceof ApiError)) return error;
  const dead = [404, 409, 410].includes(error.status) || (error.status === 422 && error.details && error.details.token);
  return dead ? new ApiError(422, { error: { code: "validation_error", message: text } }) : error;
}

function hideField(element, name) {
  const input = element.querySelector(`#${element.id}-${name}`);
  const wrapper = input.closest(".field");
  wrapper.hidden = true;
  return {
    input,
    get shown() { return !wrapper.hidden; },
    show() { wrapper.hidden = false; input.required = true; },
  };
}

// --- an invitation --------------------------------------------------------------------------

function acceptPage({ query, navigate }) {
  if (!query.token) return page(t("accept.title"), alertBox(t("accept.no_token")));
  const element = form({
    id: "accept",
    fields: [
      { name: "name", label: t("accept.name"), value: query.name || "", autocomplete: "name", hint: t("accept.name_hint") },
      { name: "email", label: t("field.email"), type: "email", autocomplete: "email", hint: t("accept.email_hint") },
      { name: "password", label: t("accept.password"), type: "password", required: true, autocomplete: "new-password",
        hint: t("signup.password_hint") },
    ],
    submit: t("accept.submit"),
    onSubmit: async ({ name, email, password }) => {
      const body = { token: query.token, password };
      if (name) body.name = name;
      if (email) body.email = email;
      let answer;
      try {
        answer = await api.post("/invitations/accept", body);
      } catch (error) {
        // The invitation went by SMS: the account still needs an email address to sign in with.
        if (error instanceof ApiError && error.details && error.details.email && !emailField.shown) {
          emailField.show();
          emailField.input.focus();
        }
        throw deadLink(error, t("accept.link_dead"));
      }
      const me = await startSession(answer);
      flash(t("accept.welcome", { name: me.name }));
      navigate(answer.two_factor_setup_required ? "/security?setup=1" : home(me));
    },
  });
  const emailField = hideField(element, "email");
  return page(t("accept.title"), h("p", {}, t("accept.intro")), element);
}

// --- a forgotten password -------------------------------------------------------------------

function forgotPage() {
  const holder = h("div", {});
  holder.append(form({
    id: "forgot",
    fields: [{ name: "email", label: t("field.email"), type: "email", required: true, autocomplete: "username" }],
    submit: t("forgot.submit"),
    onSubmit: async ({ email }) => {
      await api.post("/auth/password-reset", { email });
      // The same answer whether or not the address has an account: nobody learns who has one.
      const sent = h("p", { class: "notice", role: "status", id: "forgot-sent", tabindex: "-1" }, t("forgot.sent", { email }));
      holder.replaceChildren(sent, h("p", {}, h("a", { href: "#/sign-in" }, t("forgot.back"))));
      sent.focus();
    },
  }));
  return page(t("forgot.title"), h("p", {}, t("forgot.intro")), holder,
    h("p", {}, h("a", { href: "#/sign-in" }, t("forgot.back"))));
}

function resetPage({ query, navigate }) {
  if (!query.token) {
    return page(t("reset.title"), alertBox(t("reset.no_token")), h("p", {}, h("a", { href: "#/forgot" }, t("reset.ask_again"))));
  }
  return page(t("reset.title"),
    h("p", {}, t("reset.intro")),
    form({
      id: "reset",
      fields: [{ name: "password", label: t("reset.password"), type: "password", required: true, autocomplete: "new-password",
        hint: t("signup.password_hint") }],
      submit: t("reset.submit"),
      onSubmit: async ({ password }) => {
        let answer;
        try {
          answer = await api.post("/auth/password-reset/confirm", { token: query.token, password });
        } catch (error) {
          // Changed, but two-factor sign-in still asks for a code: sign in with the new password.
          if (error instanceof ApiError && error.status === 401) { navigate("/sign-in?reset=1"); return; }
          throw deadLink(error, t("reset.link_dead"));
        }
        session.end();
        if (!answer || !answer.access_token) { navigate("/sign-in?reset=1"); return; }
        const me = await startSession(answer);
        flash(t("reset.done"));
        navigate(answer.two_factor_setup_required ? "/security?setup=1" : home(me));
      },
    }),
    h("p", {}, h("a", { href: "#/forgot" }, t("reset.ask_again"))));
}

// --- two-factor sign-in ---------------------------------------------------------------------

// An SVG string as an image: drawn by the browser as a picture, never parsed into the page.
function svgImage(svg, alt, id) {
  const bytes = new TextEncoder().encode(svg);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return h("img", { id, class: "qr", src: `data:image/svg+xml;base64,${btoa(binary)}`, alt, width: 220, height: 220 });
}

const grouped = (secret) => secret.replace(/\s+/g, "").replace(/(.{4})(?=.)/g, "$1 ");

function recoveryCodes(codes, render) {
  const list = h("ol", { class: "recovery-codes", id: "recovery-codes" }, codes.map((code) => h("li", {}, h("code", {}, code))));
  const done = button(t("twofactor.saved_them"), async () => {
    session.remember(await api.get("/me"));
    flash(t("twofactor.on_now"));
    render();
  }, { class: "primary", id: "recovery-saved" });
  const heading = h("h3", { tabindex: "-1" }, t("twofactor.recovery_title"));
  const panel = h("div", { class: "two-factor-panel" },
    heading,
    h("p", { class: "notice" }, t("twofactor.recovery_intro")),
    list,
    h("div", { class: "actions" }, done));
  setTimeout(() => heading.focus(), 0);
  return panel;
}

function setUp(holder, render) {
  return async (event) => {
    const pressed = event.currentTarget;
    pressed.disabled = true;
    let pending;
    try {
      pending = await api.post("/me/two-factor");
    } catch (error) {
      holder.querySelector(".alert")?.remove();
      holder.append(alertBox(error));
      pressed.disabled = false;
      return;
    }
    const confirmForm = form({
      id: "two-factor-confirm",
      fields: [{ name: "code", label: t("twofactor.code"), required: true, autocomplete: "one-time-code", inputmode: "numeric",
        maxlength: 10, spellcheck: "false", hint: t("twofactor.code_hint") }],
      submit: t("twofactor.confirm"),
      onSubmit: async ({ code }) => {
        const confirmed = await api.post("/me/two-factor/confirm", { code: code.replace(/\s+/g, "") });
        holder.replaceChildren(recoveryCodes(confirmed.recovery_codes || [], render));
      },
    });
    const heading = h("h3", { tabindex: "-1" }, t("twofactor.setup_title"));
    holder.replaceChildren(h("div", { class: "two-factor-panel" },
      heading,
      h("ol", { class: "steps" },
        h("li", {}, t("twofactor.step_app")),
        h("li", {}, t("twofactor.step_scan"),
          h("div", { class: "qr-box" }, svgImage(pending.qr_svg, t("twofactor.qr_alt"), "two-factor-qr")),
          h("p", {}, t("twofactor.step_type")),
          h("p", {}, h("code", { id: "two-factor-secret", class: "secret" }, grouped(pending.secret))),
          pending.otpauth_uri ? h("p", {}, h("a", { href: pending.otpauth_uri, id: "two-factor-open" }, t("twofactor.open_app"))) : null),
        h("li", {}, t("twofactor.step_code"))),
      confirmForm));
    heading.focus();
  };
}

function twoFactorCard(state, query, render) {
  const holder = h("div", {});
  if (state.enabled) {
    holder.append(
      h("p", {}, h("span", { class: "badge badge-ok", id: "two-factor-state" }, t("twofactor.state_on")), " ", t("twofactor.on_intro")),
      typeof state.recovery_codes_left === "number"
        ? h("p", { class: "meta", id: "recovery-codes-left" }, t("twofactor.codes_left", { n: state.recovery_codes_left })) : null,
      h("h3", {}, t("twofactor.off_title")),
      form({
        id: "two-factor-off",
        fields: [{ name: "code", label: t("twofactor.code_or_recovery"), required: true, autocomplete: "one-time-code",
          spellcheck: "false", maxlength: 20, hint: t("twofactor.off_hint") }],
        submit: t("twofactor.turn_off"),
        onSubmit: async ({ code }) => {
          await api.raw("DELETE", "/me/two-factor", { body: { code: code.replace(/\s+/g, "") } });
          session.remember(await api.get("/me"));
          flash(t("twofactor.off_now"));
          render();
        },
      }));
  } else {
    holder.append(
      query.setup || state.required_by_organization
        ? h("p", { class: "notice", role: "status" }, t("twofactor.required_by_org")) : null,
      h("p", {}, h("span", { class: "badge", id: "two-factor-state" }, t("twofactor.state_off")), " ", t("twofactor.off_intro")),
      h("div", { class: "actions" }, button(t("twofactor.turn_on"), setUp(holder, render), { class: "primary", id: "two-factor-start" })));
  }
  return card(t("twofactor.title"), holder);
}

function signOutEverywhereCard(navigate) {
  return card(t("security.everywhere_title"),
    h("p", {}, t("security.everywhere_intro")),
    confirmButton({
      id: "sign-out-everywhere",
      label: t("security.everywhere"),
      question: t("security.everywhere_question"),
      confirm: t("security.everywhere_confirm"),
      onConfirm: async () => {
        await api.post("/auth/sign-out-everywhere");
        session.end();
        flash(t("security.everywhere_done"));
        navigate("/sign-in");
      },
    }));
}

async function organizationCard() {
  const settings = await api.get("/organization/security");
  return card(t("security.org_title"),
    h("p", {}, t("security.org_intro")),
    form({
      id: "org-security",
      fields: [{ name: "require_two_factor_for_staff", label: t("security.org_require"), type: "checkbox",
        value: settings.require_two_factor_for_staff, hint: t("security.org_require_hint") }],
      submit: t("common.save"),
      onSubmit: async (values) => {
        await api.put("/organization/security", { require_two_factor_for_staff: values.require_two_factor_for_staff });
        flash(t("settings.saved"));
      },
    }));
}

async function securityPage({ query, navigate, render }) {
  const me = await api.get("/me");
  session.remember(me);
  const staff = STAFF.includes(me.role);
  const twoFactor = staff ? await api.get("/me/two-factor") : null;
  const organization = me.role === "org_admin" ? await organizationCard().catch((error) => card(t("security.org_title"), alertBox(error))) : null;
  return page(t("security.title"),
    h("p", {}, t(staff ? "security.intro_staff" : "security.intro_client")),
    staff ? twoFactorCard(twoFactor, query, render) : null,
    signOutEverywhereCard(navigate),
    organization,
    h("p", {}, h("a", { href: "#/settings" }, t("security.to_settings"))));
}

export const routes = [
  { path: "/accept", page: acceptPage },
  { path: "/forgot", page: forgotPage, public: false },
  { path: "/reset", page: resetPage },
  { path: "/security", page: securityPage, roles: ["client", "counselor", "admin"] },
];
