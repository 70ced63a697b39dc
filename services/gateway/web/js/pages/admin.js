// Admin pages: the branch report (chart and table), branches and their people, and webhooks.

import { ApiError, all, api } from "../api.js";
import { LANGUAGES, addDays, formatDateTime, formatNumber, localDate, locale, named, startOfDay, t } from "../i18n.js";
import { button, card, empty, errorText, flash, form, h, page, status, table } from "../ui.js";
import { browserTimeZone, timeZoneOptions } from "./account.js";
import { MODALITIES, modalityTag } from "./types.js";

const DAY = 86400000;
const SERIES = ["sessions", "completed", "cancelled", "no_show"];
const EVENTS = ["session.booked", "session.rescheduled", "session.cancelled", "session.completed", "session.no_show"];
const isOrgAdmin = (user) => user.role === "org_admin";
const zoneOf = (user) => user.timezone || browserTimeZone();

// --- dates ----------------------------------------------------------------------------------

const isDate = (value) => /^\d{4}-\d{2}-\d{2}$/.test(value || "");

function validationError(details) {
  return new ApiError(422, { error: { code: "validation_error", message: t("admin.check_fields"), details } });
}

// The API words its field messages in English: the ones people meet most are given in their language.
function translated(error, messages) {
  if (!(error instanceof ApiError)) return error;
  if (error.code === "conflict" && messages.conflict) return validationError(messages.conflict);
  if (error.code !== "validation_error") return error;
  const details = error.fieldErrors();
  for (const name of Object.keys(details)) if (messages[name]) details[name] = [messages[name]];
  return validationError(details);
}

// --- the branch report ----------------------------------------------------------------------

function percent(value) {
  return formatNumber(value || 0, { style: "percent", maximumFractionDigits: 1 });
}

function seriesLabel(name) { return t(`admin.series.${name}`); }

// Horizontal grouped bars: one group per branch, one bar per series; scales with its viewBox.
function reportChart(items, period) {
  // Scales with its viewBox; on narrow screens app.css enlarges the text so it stays readable.
  const width = 400;
  const labelGap = 44;
  const barHeight = 15;
  const barGap = 4;
  const nameHeight = 22;
  const groupGap = 14;
  const groupHeight = nameHeight + SERIES.length * (barHeight + barGap) + groupGap;
  const height = Math.max(groupHeight * items.length, 40);
  const largest = Math.max(1, ...items.flatMap((item) => SERIES.map((name) => item[name] || 0)));
  const scale = (width - labelGap) / largest;
  const summary = items.map((item) => t("admin.chart_branch", {
    name: item.name, sessions: item.sessions, completed: item.completed, cancelled: item.cancelled, no_show: item.no_show,
  })).join(" ");
  const groups = items.map((item, index) => {
    const top = index * groupHeight;
    return h("svg:g", {},
      h("svg:text", { x: 0, y: top + 15, class: "admin-chart-name" }, item.name),
      SERIES.map((name, row) => {
        const y = top + nameHeight + row * (barHeight + barGap);
        const value = item[name] || 0;
        const length = Math.max(value * scale, value ? 2 : 0);
        return h("svg:g", {},
          h("svg:rect", { x: 0, y, width: length, height: barHeight, rx: 2, class: `admin-bar admin-bar-${name}` }),
          h("svg:rect", { x: 0, y, width: 1, height: barHeight, class: "admin-axis" }),
          h("svg:text", { x: length + 5, y: y + barHeight - 3, class: "admin-chart-value" }, formatNumber(value)));
      }));
  });
  return h("figure", { class: "admin-figure" },
    h("svg:svg", {
      id: "report-chart", class: "chart admin-chart", viewBox: `0 0 ${width} ${height}`, role: "img",
      "aria-label": `${t("admin.chart_label", period)} ${summary}`, preserveAspectRatio: "xMinYMin meet",
    }, groups),
    h("ul", { class: "legend", id: "report-legend" }, SERIES.map((name) =>
      h("li", {}, h("span", { class: `swatch admin-swatch-${name}`, "aria-hidden": "true" }), seriesLabel(name)))));
}

function reportTable(items) {
  const rows = items.map((item) => [item.name, formatNumber(item.sessions), formatNumber(item.completed),
    formatNumber(item.cancelled), formatNumber(item.no_show), percent(item.no_show_rate), percent(item.utilization)]);
  if (items.length > 1) {
    const sum = (name) => items.reduce((total, item) => total + (item[name] || 0), 0);
    const held = sum("completed") + sum("no_show");
    const available = sum("available_hours");
    rows.push([h("strong", {}, t("admin.all_branches")), ...["sessions", "completed", "cancelled", "no_show"]
      .map((name) => h("strong", {}, formatNumber(sum(name)))),
      h("strong", {}, percent(held ? sum("no_show") / held : 0)),
      h("strong", {}, available ? percent(sum("booked_hours") / available) : "–")]);
  }
  const wrap = table([t("field.branch"), seriesLabel("sessions"), seriesLabel("completed"), seriesLabel("cancelled"),
    seriesLabel("no_show"), t("admin.no_show_rate"), t("admin.utilization")], rows, t("admin.table_caption"));
  wrap.querySelector("table").id = "report-table";
  return wrap;
}

async function reportPage({ query, user, navigate }) {
  const zone = zoneOf(user);
  const today = localDate(new Date().toISOString(), zone);
  const from = isDate(query.from) ? query.from : addDays(today, -30);
  const to = isDate(query.to) ? query.to : addDays(today, 30);
  let result = null;
  let problem = null;
  const tooLong = (first, last) => Date.parse(last) - Date.parse(first) > 365 * DAY;
  if (to < from) problem = t("admin.range_backwards");
  else if (tooLong(from, to)) problem = t("admin.range_too_long");
  else {
    // Every branch of a national network, page by page.
    result = await all("/reports/branches", { from: startOfDay(from, zone), to: startOfDay(addDays(to, 1), zone) })
      .then((items) => ({ items }))
      .catch((error) => { if (error instanceof ApiError && error.status === 422) { problem = error; return null; } throw error; });
  }
  const period = { from: formatDate(from), to: formatDate(to) };
  const items = result ? result.items : [];
  const rangeForm = form({
    id: "report-form",
    fields: [h("div", { class: "row" },
      fieldNode("report-form", "from", t("admin.from"), from),
      fieldNode("report-form", "to", t("admin.to"), to))],
    submit: t("admin.show_report"),
    onSubmit: async (_values, element) => {
      const chosen = { from: element.elements.from.value, to: element.elements.to.value };
      const errors = {};
      for (const name of ["from", "to"]) if (!isDate(chosen[name])) errors[name] = [t("admin.date_needed")];
      if (!errors.to && !errors.from && chosen.to < chosen.from) errors.to = [t("admin.range_backwards")];
      else if (!errors.to && !errors.from && tooLong(chosen.from, chosen.to)) errors.to = [t("admin.range_too_long")];
      if (Object.keys(errors).length) return showDateErrors(element, errors);
      navigate(`/report?from=${chosen.from}&to=${chosen.to}`);
    },
  });
  return page(t("admin.report_title"),
    h("p", {}, isOrgAdmin(user) ? t("admin.report_intro_org") : t("admin.report_intro_branch")),
    rangeForm,
    h("p", { class: "meta", id: "report-period" }, t("admin.period", period), " ", t("common.times_in", { zone })),
    problem ? h("p", { class: "alert", role: "alert" }, typeof problem === "string" ? problem : t("admin.range_too_long")) : null,
    result && !items.length
      ? empty(t("admin.report_no_branches"))
      : null,
    items.length ? card(t("admin.chart_title"), reportChart(items, period)) : null,
    items.length ? card(t("admin.table_title"), reportTable(items),
      h("p", { class: "hint" }, t("admin.rates_hint"))) : null,
    items.some((item) => item.by_session_type) ? practiceCard(items) : null);
}

// Sessions and no-shows by session type and by how they are held, workshops' seats filled and
// counselors who never joined, over every branch shown.
function practiceCard(items) {
  const types = new Map();
  const modalities = new Map(MODALITIES.map((modality) => [modality, { sessions: 0, no_shows: 0 }]));
  const workshops = { held: 0, seats: 0, seats_taken: 0 };
  let counselorNoShows = 0;
  for (const item of items) {
    for (const row of item.by_session_type || []) {
      const kept = types.get(row.session_type_id) || { name: row.name, sessions: 0, no_shows: 0 };
      kept.sessions += row.sessions;
      kept.no_shows += row.no_shows;
      types.set(row.session_type_id, kept);
    }
    for (const [modality, figures] of Object.entries(item.by_modality || {})) {
      const kept = modalities.get(modality);
      if (kept) { kept.sessions += figures.sessions; kept.no_shows += figures.no_shows; }
    }
    for (const name of Object.keys(workshops)) workshops[name] += (item.workshops && item.workshops[name]) || 0;
    counselorNoShows += item.counselor_no_shows || 0;
  }
  const rate = (row) => percent(row.sessions ? row.no_shows / row.sessions : 0);
  const byType = table([t("sessions.type"), seriesLabel("sessions"), seriesLabel("no_show"), t("admin.no_show_share")],
    [...types.values()].map((row) => [named(row.name) || t("types.unnamed"), formatNumber(row.sessions), formatNumber(row.no_shows), rate(row)]),
    t("admin.by_type_caption"));
  byType.querySelector("table").id = "report-by-type";
  const byModality = table([t("sessions.how"), seriesLabel("sessions"), seriesLabel("no_show"), t("admin.no_show_share")],
    [...modalities.entries()].map(([modality, row]) => [modalityTag(modality), formatNumber(row.sessions), formatNumber(row.no_shows), rate(row)]),
    t("admin.by_modality_caption"));
  byModality.querySelector("table").id = "report-by-modality";
  return card(t("admin.practice_title"), byType, byModality,
    h("dl", { class: "facts", id: "report-workshops" },
      h("dt", {}, t("admin.workshops_held")), h("dd", {}, formatNumber(workshops.held)),
      h("dt", {}, t("admin.workshop_seats")), h("dd", {}, t("workshops.taken_of", { n: formatNumber(workshops.seats_taken), of: formatNumber(workshops.seats) })),
      h("dt", {}, t("admin.fill_rate")), h("dd", {}, percent(workshops.seats ? workshops.seats_taken / workshops.seats : 0)),
      h("dt", {}, t("admin.counselor_no_shows")), h("dd", {}, formatNumber(counselorNoShows))),
    h("p", { class: "hint" }, t("admin.practice_hint")));
}

function formatDate(date) {
  return new Intl.DateTimeFormat(locale(),
    { timeZone: "UTC", day: "numeric", month: "long", year: "numeric" }).format(new Date(`${date}T00:00:00Z`));
}

// A labelled date input built like form()'s, for a row of two; the form reads it through element.elements.
function fieldNode(formId, name, label, value) {
  const id = `${formId}-${name}`;
  const input = h("input", { id, name, type: "date", required: true, "aria-describedby": `${id}-error` });
  input.value = value;
  return h("div", { class: "field" },
    h("label", { for: id }, label, h("span", { class: "required", "aria-hidden": "true" }, " *")),
    input, h("p", { class: "field-error", id: `${id}-error` }));
}

function showDateErrors(element, errors) {
  let first = null;
  for (const [name, messages] of Object.entries(errors)) {
    const input = element.elements[name];
    input.setAttribute("aria-invalid", "true");
    document.getElementById(`${input.id}-error`).textContent = messages.join(" ");
    first = first || input;
  }
  first.focus();
}

// --- branches and people --------------------------------------------------------------------

function personItem(person, counselor) {
  return h("li", {},
    h("p", { class: "title" }, h("a", { href: `#/people/${encodeURIComponent(person.id)}` }, person.name),
      person.status && person.status !== "active" ? [" ", status(person.status)] : null),
    h("p", { class: "meta" }, person.email, person.phone ? ` · ${person.phone}` : ""),
    counselor ? h("p", { class: "actions admin-links" },
      h("a", { href: `#/availability?counselor_id=${encodeURIComponent(person.id)}`, "aria-label": t("admin.availability_of", { name: person.name }) }, t("admin.availability")),
      h("a", { href: `#/sessions?counselor_id=${encodeURIComponent(person.id)}`, "aria-label": t("admin.sessions_of", { name: person.name }) }, t("admin.sessions"))) : null);
}

function peopleList(people, counselor, none) {
  return people.length
    ? h("ul", { class: "list" }, people.map((person) => personItem(person, counselor)))
    : empty(none);
}

async function branchCard(branch) {
  const [counselors, admins, clients] = await Promise.all([
    all("/users", { branch_id: branch.id, role: "counselor" }),
    all("/users", { branch_id: branch.id, role: "branch_admin" }),
    api.get("/users", { branch_id: branch.id, role: "client", limit: 200 }),
  ]);
  const clientCount = clients.next_cursor ? `${formatNumber(clients.items.length)}+` : formatNumber(clients.items.length);
  const element = card(branch.name,
    h("dl", { class: "facts" },
      h("dt", {}, t("field.timezone")), h("dd", {}, branch.timezone),
      branch.address ? [h("dt", {}, t("field.address")), h("dd", {}, branch.address)] : null,
      h("dt", {}, t("admin.clients")), h("dd", {}, clientCount)),
    h("p", { class: "admin-links" }, h("a", { href: `#/branches/${encodeURIComponent(branch.id)}`, id: `edit-branch-${branch.id}`,
      "aria-label": t("admin.edit_branch_of", { name: branch.name }) }, t("admin.edit_branch"))),
    h("h3", {}, t("admin.counselors_count", { n: counselors.length })),
    peopleList(counselors, true, t("admin.no_counselors")),
    h("h3", {}, t("admin.branch_admins_count", { n: admins.length })),
    peopleList(admins, false, t("admin.no_branch_admins")));
  element.id = `branch-${branch.id}`;
  element.classList.add("admin-branch");
  return element;
}

async function signUpLinkCard() {
  const organization = await api.get("/organization");
  const link = `${location.origin}/#/sign-up?org=${encodeURIComponent(organization.slug)}`;
  const anchor = h("a", { href: link, id: "signup-link", class: "admin-link-text" }, link);
  const copy = button(t("admin.copy_link"), async () => {
    try {
      await navigator.clipboard.writeText(link);
      flash(t("admin.link_copied"));
    } catch {
      // No clipboard (plain http on a LAN address): select the link so a long-press copies it.
      const range = document.createRange();
      range.selectNodeContents(anchor);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      flash(t("admin.link_selected"));
    }
  }, { id: "copy-signup-link" });
  return card(t("admin.signup_title"),
    h("p", {}, t("admin.signup_intro")),
    h("dl", { class: "facts" }, h("dt", {}, t("field.org_slug")), h("dd", { id: "org-slug" }, organization.slug)),
    h("p", {}, anchor), h("div", { class: "actions" }, copy));
}

function branchForm(render) {
  const zone = browserTimeZone();
  return card(t("admin.add_branch"),
    form({
      id: "branch-form",
      fields: [
        { name: "name", label: t("admin.branch_name"), required: true, autocomplete: "off" },
        { name: "timezone", label: t("field.timezone"), type: "select", value: zone, options: timeZoneOptions(zone), required: true,
          hint: t("admin.branch_timezone_hint") },
        { name: "address", label: t("field.address"), type: "textarea", hint: t("admin.optional") },
      ],
      submit: t("admin.add_branch_submit"),
      onSubmit: async (values) => {
        const branch = await api.post("/branches", { ...values, address: values.address || null });
        flash(t("admin.branch_added", { name: branch.name }));
        render();
      },
    }));
}

function personForm(user, branches, render) {
  const own = isOrgAdmin(user) ? branches : branches.filter((branch) => branch.id === user.branch_id);
  const roles = ["counselor", "branch_admin", "client"];
  return card(t("admin.add_person"),
    h("p", { class: "hint" }, isOrgAdmin(user) ? t("admin.add_person_intro_org") : t("admin.add_person_intro_branch")),
    form({
      id: "person-form",
      fields: [
        { name: "name", label: t("field.name"), required: true, autocomplete: "off" },
        { name: "email", label: t("field.email"), type: "email", required: true, autocomplete: "off" },
        { name: "role", label: t("field.role"), type: "select", value: "counselor", required: true,
          options: roles.map((role) => ({ value: role, label: t(`admin.role.${role}`) })) },
        { name: "branch_id", label: t("field.branch"), type: "select", required: true, value: own.length === 1 ? own[0].id : "",
          options: [...(own.length === 1 ? [] : [{ value: "", label: t("admin.choose_branch") }]),
            ...own.map((branch) => ({ value: branch.id, label: branch.name }))] },
        { name: "phone", label: t("field.phone"), type: "tel", autocomplete: "off", hint: t("admin.phone_hint") },
        { name: "password", label: t("admin.password"), type: "password", autocomplete: "new-password", hint: t("admin.password_hint") },
        { name: "timezone", label: t("field.timezone"), type: "select", value: "",
          options: [{ value: "", label: t("admin.same_as_branch") }, ...timeZoneOptions()] },
        { name: "language", label: t("nav.language"), type: "select", value: "",
          options: [{ value: "", label: t("admin.same_as_branch") },
            ...Object.entries(LANGUAGES).map(([value, label]) => ({ value, label }))] },
      ],
      submit: t("admin.add_person_submit"),
      onSubmit: async (values) => {
        const body = { ...values };
        for (const name of ["phone", "password", "timezone", "language"]) if (!body[name]) body[name] = null;
        if (body.language === null) delete body.language;
        const person = await api.post("/users", body).catch((error) => {
          throw translated(error, { conflict: { email: [t("admin.email_taken")] }, phone: t("admin.phone_invalid"),
            email: t("admin.email_invalid"), password: t("admin.password_short") });
        });
        flash(t(values.password ? "admin.person_added" : "admin.person_added_no_password",
          { name: person.name, role: t(`admin.role.${person.role}`) }));
        render();
      },
    }));
}

async function branchesPage({ user, render }) {
  const everyBranch = await all("/branches");
  const branches = isOrgAdmin(user) ? everyBranch : everyBranch.filter((branch) => branch.id === user.branch_id);
  const [cards, signUpLink] = await Promise.all([Promise.all(branches.map(branchCard)), signUpLinkCard()]);
  return page(t(isOrgAdmin(user) ? "admin.branches_title" : "admin.branch_title"),
    h("p", {}, isOrgAdmin(user) ? t("admin.branches_intro_org") : t("admin.branches_intro_branch")),
    branches.length ? h("div", { class: "grid grid-2", id: "branch-list" }, cards)
      : empty(isOrgAdmin(user) ? t("admin.no_branches_org") : t("admin.no_branches_branch")),
    h("div", { class: "grid grid-2" },
      branches.length ? personForm(user, branches, render) : null,
      isOrgAdmin(user) ? branchForm(render) : null),
    signUpLink);
}

// --- webhooks -------------------------------------------------------------------------------

const eventLabel = (event) => t(`admin.event.${event.replace(".", "_")}`);

// Turn a webhook off or on again, or remove it (asked twice: a removal cannot be undone).
function webhookActions(hook, render) {
  const act = (request, done) => async (event) => {
    event.currentTarget.disabled = true;
    try {
      await request();
      flash(done);
      render();
    } catch (error) {
      flash(errorText(error), "error");
      event.currentTarget.disabled = false;
    }
  };
  const toggle = hook.active
    ? button(t("admin.webhook_turn_off"), act(() => api.patch(`/webhooks/${hook.id}`, { active: false }), t("admin.webhook_turned_off")),
      { id: `webhook-${hook.id}-off` })
    : button(t("admin.webhook_turn_on"), act(() => api.post(`/webhooks/${hook.id}/enable`), t("admin.webhook_turned_on")),
      { id: `webhook-${hook.id}-on` });
  const confirmRemove = button(t("admin.webhook_remove_confirm"), act(() => api.delete(`/webhooks/${hook.id}`), t("admin.webhook_removed")),
    { class: "danger", id: `webhook-${hook.id}-remove-confirm` });
  const remove = button(t("admin.webhook_remove"), () => { remove.replaceWith(confirmRemove); confirmRemove.focus(); },
    { class: "danger", id: `webhook-${hook.id}-remove`, "aria-label": t("admin.webhook_remove_named", { url: hook.url }) });
  return h("div", { class: "actions" }, toggle, remove);
}

function webhookItem(hook, zone, render) {
  const failures = hook.consecutive_failures || 0;
  return h("li", { id: `webhook-${hook.id}` },
    h("p", { class: "title admin-link-text" }, hook.url),
    h("p", {},
      h("span", { class: `badge ${hook.active ? "badge-ok" : "badge-failed"}` }, t(hook.active ? "admin.webhook_active" : "admin.webhook_disabled")),
      " ", failures ? h("span", { class: "admin-failures" }, t("admin.webhook_failures", { n: failures })) : null),
    h("p", { class: "meta" }, t("admin.webhook_events"), ": ", hook.events.map(eventLabel).join(", ")),
    h("p", { class: "meta" }, t("admin.webhook_created", { when: formatDateTime(hook.created_at, zone) })),
    hook.active ? null : h("p", { class: "hint" }, t("admin.webhook_disabled_hint")),
    webhookActions(hook, render));
}

function randomSecret() {
  const bytes = new Uint8Array(24);
  crypto.getRandomValues(bytes);
  return [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

function webhookForm(render) {
  const formId = "webhook-form";
  const error = h("p", { class: "field-error", id: `${formId}-events-error` });
  const boxes = EVENTS.map((event) => h("input", {
    type: "checkbox", id: `${formId}-event-${event.replace(".", "-")}`, name: "events", value: event, checked: event === "session.booked",
  }));
  const events = h("fieldset", { id: `${formId}-events`, class: "admin-events", "aria-describedby": `${formId}-events-hint ${formId}-events-error` },
    h("legend", {}, t("admin.webhook_events"), h("span", { class: "required", "aria-hidden": "true" }, " *")),
    h("p", { class: "hint", id: `${formId}-events-hint` }, t("admin.webhook_events_hint")),
    boxes.map((box) => h("div", { class: "field field-check" }, box, h("label", { for: box.id }, eventLabel(box.value)))),
    error);
  const generate = button(t("admin.generate_secret"), () => {
    const input = document.getElementById(`${formId}-secret`);
    input.value = randomSecret();
    input.focus();
  }, { id: "generate-secret" });
  return form({
    id: formId,
    fields: [
      { name: "url", label: t("admin.webhook_url"), type: "url", required: true, placeholder: "https://", hint: t("admin.webhook_url_hint"),
        autocomplete: "off", spellcheck: "false" },
      events,
      { name: "secret", label: t("admin.webhook_secret"), required: true, autocomplete: "off", spellcheck: "false",
        minlength: 16, maxlength: 200, hint: t("admin.webhook_secret_hint") },
      h("div", { class: "actions" }, generate),
    ],
    submit: t("admin.add_webhook"),
    onSubmit: async (values) => {
      const chosen = boxes.filter((box) => box.checked).map((box) => box.value);
      if (!chosen.length) {
        events.setAttribute("aria-invalid", "true");
        error.textContent = t("admin.webhook_events_required");
        boxes[0].focus();
        return;
      }
      if (values.secret.length < 16) throw validationError({ secret: [t("admin.webhook_secret_short")] });
      try {
        await api.post("/webhooks", { url: values.url, events: chosen, secret: values.secret })
          .catch((error) => { throw translated(error, { secret: t("admin.webhook_secret_short"), url: t("admin.webhook_url_invalid") }); });
      } catch (failure) {
        if (!(failure instanceof ApiError)) throw failure;
        const fieldErrors = failure.fieldErrors();
        const mine = Object.entries(fieldErrors).filter(([name]) => name === "events" || name.startsWith("events."));
        if (!mine.length) throw failure;
        events.setAttribute("aria-invalid", "true");
        error.textContent = mine.flatMap(([, messages]) => messages).join(" ");
        const rest = Object.fromEntries(Object.entries(fieldErrors).filter(([name]) => !mine.some(([other]) => other === name)));
        if (Object.keys(rest).length) throw validationError(rest);
        boxes[0].focus();
        return;
      }
      flash(t("admin.webhook_added"));
      render();
    },
  });
}

async function webhooksPage({ user, render }) {
  const zone = zoneOf(user);
  const hooks = await all("/webhooks");
  return page(t("admin.webhooks_title"),
    h("p", {}, t("admin.webhooks_intro")),
    card(t("admin.webhooks_list"),
      hooks.length ? [h("ul", { class: "list", id: "webhook-list" }, hooks.map((hook) => webhookItem(hook, zone, render))),
        h("p", { class: "meta" }, t("common.times_in", { zone }))]
        : empty(t("admin.no_webhooks"))),
    card(t("admin.add_webhook_title"), webhookForm(render)),
    card(t("admin.signature_title"), h("p", {}, t("admin.signature_text")),
      h("pre", { class: "admin-code" }, "X-Njia-Signature: sha256=…")));
}

export const routes = [
  { path: "/report", roles: ["admin"], page: reportPage },
  { path: "/branches", roles: ["admin"], page: branchesPage },
  { path: "/webhooks", roles: ["org_admin"], page: webhooksPage },
];
