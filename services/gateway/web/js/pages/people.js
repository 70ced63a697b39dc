// Admins and the people of their organization: invitations, changing and deactivating a person,
// editing a branch, sessions left without a counselor, and the audit log.

import { ApiError, all, api } from "../api.js";
import { addDays, formatDateTime, formatTime, has, localDate, startOfDay, t } from "../i18n.js";
import { alertBox, button, card, confirmButton, empty, flash, form, h, page, status, table } from "../ui.js";
import { browserTimeZone, timeZoneOptions } from "./account.js";

const PAGE_SIZE = 50;
const INVITATION_STATUSES = ["sent", "accepted", "revoked", "expired"];
const ROLES = ["counselor", "branch_admin", "client", "org_admin"];
const isOrgAdmin = (user) => user.role === "org_admin";
const zoneOf = (user) => user.timezone || browserTimeZone();
const roleLabel = (role) => t(`admin.role.${role}`);

// The branches an admin looks after: every branch for an org admin, their own for a branch admin.
async function branchesOf(user) {
  const every = await all("/branches");
  const own = isOrgAdmin(user) ? every : every.filter((branch) => branch.id === user.branch_id);
  const names = new Map(every.map((branch) => [branch.id, branch.name]));
  return { own, nameOf: (id) => names.get(id) || t("people.no_branch") };
}

function branchField(name, own, value, withNone) {
  return { name, label: t("field.branch"), type: "select", required: !withNone, value: value ?? (own.length === 1 ? own[0].id : ""),
    options: [...(own.length === 1 && !withNone ? [] : [{ value: "", label: withNone ? t("people.no_branch") : t("admin.choose_branch") }]),
      ...own.map((branch) => ({ value: branch.id, label: branch.name }))] };
}

function roleOptions(user) {
  return ROLES.filter((role) => role !== "org_admin" || isOrgAdmin(user)).map((role) => ({ value: role, label: roleLabel(role) }));
}

// A list fetched page by page on request ("Show more").
function pagedList(path, query, itemOf, emptyText, id) {
  const list = h("ul", { class: "list", id });
  const holder = h("div", {}, list);
  let cursor = null;
  async function more() {
    const result = await api.get(path, { ...query, limit: PAGE_SIZE, cursor });
    list.append(...result.items.map(itemOf));
    cursor = result.next_cursor;
    holder.querySelector(".more")?.remove();
    if (!list.children.length) holder.replaceChildren(empty(emptyText));
    if (cursor) holder.append(button(t("common.more"), () => more().catch((error) => holder.append(alertBox(error))), { class: "secondary more" }));
  }
  return { holder, ready: more() };
}

// --- invitations ----------------------------------------------------------------------------

function inviteCard(user, own, render) {
  return card(t("people.invite_title"),
    h("p", { class: "hint" }, t("people.invite_intro")),
    form({
      id: "invite",
      fields: [
        { name: "name", label: t("field.name"), required: true, autocomplete: "off" },
        { name: "email", label: t("field.email"), type: "email", autocomplete: "off", hint: t("people.invite_email_hint") },
        { name: "phone", label: t("field.phone"), type: "tel", autocomplete: "off", hint: t("people.invite_phone_hint") },
        { name: "role", label: t("field.role"), type: "select", value: "counselor", required: true,
          options: roleOptions(user).filter((option) => option.value !== "org_admin") },
        branchField("branch_id", own),
      ],
      submit: t("people.invite_submit"),
      onSubmit: async (values) => {
        if (!values.email && !values.phone) {
          throw new ApiError(422, { error: { code: "validation_error", message: t("admin.check_fields"),
            details: { email: [t("people.email_or_phone")] } } });
        }
        const invitation = await api.post("/invitations", {
          name: values.name, role: values.role, branch_id: values.branch_id || null,
          ...(values.email ? { email: values.email } : {}), ...(values.phone ? { phone: values.phone } : {}),
        });
        flash(t("people.invited", { name: invitation.name }));
        render();
      },
    }));
}

function invitationItem(invitation, zone, nameOf, render) {
  const act = (request, done) => async (event) => {
    const pressed = event.currentTarget;
    pressed.disabled = true;
    try {
      await request();
      flash(done);
      render();
    } catch (error) {
      pressed.disabled = false;
      pressed.closest("li").append(alertBox(error));
    }
  };
  const open = invitation.status === "sent" || invitation.status === "expired";
  return h("li", { id: `invitation-${invitation.id}` },
    h("p", { class: "title" }, invitation.name, " ", status(invitation.status)),
    h("p", { class: "meta" }, roleLabel(invitation.role), " · ", nameOf(invitation.branch_id)),
    h("p", { class: "meta" }, [invitation.email, invitation.phone].filter(Boolean).join(" · ")),
    h("p", { class: "meta" }, t(invitation.status === "sent" ? "people.expires" : "people.sent_at",
      { when: formatDateTime(invitation.status === "sent" ? invitation.expires_at : invitation.created_at, zone) })),
    open ? h("div", { class: "actions" },
      button(t("people.resend"), act(() => api.post(`/invitations/${invitation.id}/resend`), t("people.resent", { name: invitation.name })),
        { id: `invitation-${invitation.id}-resend`, "aria-label": t("people.resend_to", { name: invitation.name }) }),
      invitation.status === "sent" ? confirmButton({
        id: `invitation-${invitation.id}-revoke`,
        label: t("people.revoke"),
        ariaLabel: t("people.revoke_of", { name: invitation.name }),
        question: t("people.revoke_question", { name: invitation.name }),
        confirm: t("people.revoke_confirm"),
        onConfirm: async () => {
          await api.delete(`/invitations/${invitation.id}`);
          flash(t("people.revoked", { name: invitation.name }));
          render();
        },
      }) : null) : null);
}

function invitationsCard(chosen, zone, nameOf, navigate, render) {
  const list = pagedList("/invitations", { status: chosen || null }, (item) => invitationItem(item, zone, nameOf, render),
    t("people.no_invitations"), "invitation-list");
  const filter = form({
    id: "invitation-filter",
    fields: [{ name: "status", label: t("people.invitation_status"), type: "select", value: chosen || "",
      options: [{ value: "", label: t("people.all") }, ...INVITATION_STATUSES.map((value) => ({ value, label: t(`status.${value}`) }))] }],
    submit: t("people.show"),
    onSubmit: async (values) => navigate(`/people${values.status ? `?status=${values.status}` : "?status="}`),
  });
  return { element: card(t("people.invitations_title"), filter, list.holder, h("p", { class: "meta" }, t("common.times_in", { zone }))), ready: list.ready };
}

// --- people ---------------------------------------------------------------------------------

function personItem(person, nameOf) {
  return h("li", {},
    h("p", { class: "title" }, h("a", { href: `#/people/${person.id}` }, person.name), " ", person.status ? status(person.status) : null),
    h("p", { class: "meta" }, roleLabel(person.role), " · ", nameOf(person.branch_id)),
    h("p", { class: "meta" }, [person.email, person.phone].filter(Boolean).join(" · ")));
}

function peopleCard(user, query, own, nameOf, navigate) {
  const filters = { role: ROLES.includes(query.role) ? query.role : null, branch_id: query.branch_id || null };
  if (!isOrgAdmin(user)) filters.branch_id = user.branch_id;
  const list = pagedList("/users", filters, (person) => personItem(person, nameOf), t("people.no_people"), "people-list");
  const filter = form({
    id: "people-filter",
    fields: [h("div", { class: "row" }, [
      peopleFilterField("role", t("field.role"), filters.role, [{ value: "", label: t("people.all") }, ...roleOptions(user)]),
      isOrgAdmin(user) ? peopleFilterField("branch_id", t("field.branch"), filters.branch_id,
        [{ value: "", label: t("people.all") }, ...own.map((branch) => ({ value: branch.id, label: branch.name }))]) : null,
    ])],
    submit: t("people.show"),
    onSubmit: async (_values, element) => {
      const params = new URLSearchParams();
      for (const name of ["role", "branch_id"]) if (element.elements[name]?.value) params.set(name, element.elements[name].value);
      if (query.status !== undefined) params.set("status", query.status);
      navigate(`/people?${params}`);
    },
  });
  return { element: card(t("people.people_title"), filter, list.holder), ready: list.ready };
}

// A select built like form()'s, for a row of two filters; read through element.elements.
function peopleFilterField(name, label, value, options) {
  const id = `people-filter-${name}`;
  return h("div", { class: "field" }, h("label", { for: id }, label),
    h("select", { id, name }, options.map((option) => h("option", { value: option.value, selected: option.value === (value || "") }, option.label))));
}

async function peoplePage({ user, query, navigate, render }) {
  const zone = zoneOf(user);
  const { own, nameOf } = await branchesOf(user);
  const chosen = query.status === undefined ? "sent" : query.status;
  const invitations = invitationsCard(INVITATION_STATUSES.includes(chosen) ? chosen : "", zone, nameOf, navigate, render);
  const people = peopleCard(user, query, own, nameOf, navigate);
  await Promise.all([invitations.ready, people.ready]);
  return page(t("people.title"),
    h("p", {}, t(isOrgAdmin(user) ? "people.intro_org" : "people.intro_branch")),
    h("p", {}, h("a", { href: "#/reassign", id: "needs-counselor-link" }, t("reassign.link"))),
    h("div", { class: "grid grid-2" }, own.length ? inviteCard(user, own, render) : empty(t("admin.no_branches_branch")), invitations.element),
    people.element);
}

// --- one person -----------------------------------------------------------------------------

function changedFields(values, person) {
  const changed = {};
  if (values.name !== person.name) changed.name = values.name;
  if ((values.phone || null) !== (person.phone || null)) changed.phone = values.phone || null;
  if (values.role !== person.role) changed.role = values.role;
  if ((values.branch_id || null) !== (person.branch_id || null)) changed.branch_id = values.branch_id || null;
  return changed;
}

function activationStep(person, render) {
  const deactivated = person.status === "deactivated";
  const action = deactivated ? "reactivate" : "deactivate";
  return confirmButton({
    id: `person-${action}`,
    label: t(`person.${action}`),
    kind: deactivated ? "secondary" : "danger",
    question: t(`person.${action}_question`, { name: person.name })
      + (person.role === "counselor" && !deactivated ? ` ${t("person.deactivate_counselor")}` : ""),
    confirm: t(`person.${action}_confirm`),
    onConfirm: async () => {
      await api.post(`/users/${person.id}/${action}`);
      flash(t(`person.${action}d`, { name: person.name }));
      render();
    },
  });
}

async function personPage({ params, user, render }) {
  const [found, { own, nameOf }] = await Promise.all([api.get(`/users/${encodeURIComponent(params.id)}`), branchesOf(user)]);
  let person = found;
  if (!person.status) {
    // One person's answer may not carry their account's state; the list of people does.
    const alike = await all("/users", { role: person.role, branch_id: person.branch_id });
    person = { ...person, status: (alike.find((other) => other.id === person.id) || {}).status };
  }
  const self = person.id === user.id;
  const facts = h("dl", { class: "facts", id: "person-facts" },
    h("dt", {}, t("field.role")), h("dd", {}, roleLabel(person.role)),
    h("dt", {}, t("field.branch")), h("dd", {}, nameOf(person.branch_id)),
    person.email ? [h("dt", {}, t("field.email")), h("dd", {}, person.email)] : null,
    person.status ? [h("dt", {}, t("person.status")), h("dd", { id: "person-status" }, status(person.status))] : null);
  const editable = roleOptions(user).some((option) => option.value === person.role);
  return page(person.name,
    h("p", {}, h("a", { href: "#/people" }, t("person.back"))),
    card(null, facts,
      person.status === "invited" ? h("p", { class: "hint" }, t("person.invited_hint")) : null,
      person.role === "counselor" ? h("p", { class: "actions admin-links" },
        h("a", { href: `#/availability?counselor_id=${encodeURIComponent(person.id)}` }, t("admin.availability")),
        h("a", { href: `#/sessions?counselor_id=${encodeURIComponent(person.id)}` }, t("admin.sessions"))) : null,
      h("p", {}, h("a", { href: `#/audit?subject_id=${encodeURIComponent(person.id)}` }, t("person.audit"))),
      person.status === "deactivated" && person.role === "counselor"
        ? h("p", {}, h("a", { href: "#/reassign" }, t("reassign.link"))) : null),
    editable ? card(t("person.edit_title"),
      form({
        id: "person",
        fields: [
          { name: "name", label: t("field.name"), value: person.name, required: true, autocomplete: "off" },
          { name: "phone", label: t("field.phone"), type: "tel", value: person.phone || "", autocomplete: "off", hint: t("admin.phone_hint") },
          { name: "role", label: t("field.role"), type: "select", value: person.role, required: true, options: roleOptions(user),
            hint: t("person.role_hint") },
          branchField("branch_id", own, person.branch_id || "", isOrgAdmin(user)),
        ],
        submit: t("common.save"),
        onSubmit: async (values) => {
          const changed = changedFields(values, person);
          if (Object.keys(changed).length) await api.patch(`/users/${person.id}`, changed);
          flash(t("settings.saved"));
          render();
        },
      })) : null,
    editable && !self ? card(t(person.status === "deactivated" ? "person.reactivate_title" : "person.deactivate_title"),
      h("p", {}, t(person.status === "deactivated" ? "person.reactivate_intro" : "person.deactivate_intro")),
      activationStep(person, render)) : null);
}

// --- a branch -------------------------------------------------------------------------------

async function branchPage({ params, navigate }) {
  const branch = await api.get(`/branches/${encodeURIComponent(params.id)}`);
  return page(t("branch.edit_title", { name: branch.name }),
    h("p", {}, h("a", { href: "#/branches" }, t("branch.back"))),
    card(null, form({
      id: "branch",
      fields: [
        { name: "name", label: t("admin.branch_name"), value: branch.name, required: true, autocomplete: "off" },
        { name: "timezone", label: t("field.timezone"), type: "select", value: branch.timezone, required: true,
          options: timeZoneOptions(branch.timezone), hint: t("branch.timezone_hint") },
        { name: "address", label: t("field.address"), type: "textarea", value: branch.address || "", hint: t("admin.optional") },
      ],
      submit: t("common.save"),
      onSubmit: async (values) => {
        const changed = {};
        if (values.name !== branch.name) changed.name = values.name;
        if (values.timezone !== branch.timezone) changed.timezone = values.timezone;
        if ((values.address || null) !== (branch.address || null)) changed.address = values.address || null;
        if (Object.keys(changed).length) await api.patch(`/branches/${branch.id}`, changed);
        flash(t("branch.saved", { name: values.name }));
        navigate("/branches");
      },
    })));
}

// --- sessions needing a counselor -----------------------------------------------------------

function reassignItem(item, counselorsOf, zone) {
  const li = h("li", { id: `needs-${item.id}` });
  const when = `${formatDateTime(item.start, zone)}–${formatTime(item.end, zone)}`;
  li.append(
    h("p", { class: "title" }, h("a", { href: `#/sessions/${item.id}` }, when)),
    h("p", { class: "meta" }, t("reassign.client", { name: item.client_name || "—" }), " · ",
      t("reassign.was", { name: item.counselor_name || "—" })));
  counselorsOf(item.branch_id).then((counselors) => {
    const choices = counselors.filter((person) => person.id !== item.counselor_id && person.status !== "deactivated");
    if (!choices.length) { li.append(empty(t("reassign.no_counselors"))); return; }
    li.append(form({
      id: `reassign-${item.id}`,
      fields: [{ name: "counselor_id", label: t("reassign.to"), type: "select", required: true, value: "",
        options: [{ value: "", label: t("reassign.choose") }, ...choices.map((person) => ({ value: person.id, label: person.name }))] }],
      submit: t("reassign.submit"),
      onSubmit: async ({ counselor_id: counselorId }) => {
        await api.once(`/sessions/${item.id}/reassign`, { counselor_id: counselorId });
        const chosen = choices.find((person) => person.id === counselorId);
        flash(t("reassign.done", { name: chosen ? chosen.name : "" }));
        const list = li.parentElement;
        li.remove();
        if (list && !list.children.length) list.replaceWith(empty(t("reassign.none")));
      },
    }));
  }).catch((error) => li.append(alertBox(error)));
  return li;
}

async function reassignPage({ user }) {
  const zone = zoneOf(user);
  const cache = new Map();
  const counselorsOf = (branchId) => {
    const key = branchId || "";
    if (!cache.has(key)) cache.set(key, all("/counselors", branchId ? { branch_id: branchId } : {}));
    return cache.get(key);
  };
  const list = pagedList("/sessions", { needs_counselor: true }, (item) => reassignItem(item, counselorsOf, zone),
    t("reassign.none"), "needs-counselor");
  await list.ready;
  return page(t("reassign.title"),
    h("p", {}, t("reassign.intro")),
    h("p", { class: "meta" }, t("common.times_in", { zone })),
    list.holder);
}

// --- the audit log --------------------------------------------------------------------------

const isDate = (value) => /^\d{4}-\d{2}-\d{2}$/.test(value || "");

// What the audit log records (shared/audit.py's ACTIONS).
const AUDIT_ACTIONS = ["sign_in.succeeded", "sign_in.failed", "invitation.sent", "invitation.accepted", "invitation.revoked",
  "user.role_changed", "user.branch_changed", "user.deactivated", "user.reactivated", "password.reset", "case_notes.read",
  "client_record.read", "export.created"];

// "Signed in": an action in words, or its code for one this page does not know yet.
function actionText(action) {
  const key = action.replace(/\./g, "_");
  return has(`audit.action.${key}`) ? t(`audit.action.${key}`) : action;
}

async function auditPage({ user, query, navigate }) {
  const zone = zoneOf(user);
  const filters = {};
  for (const name of ["action", "actor_id", "subject_id"]) if (query[name]) filters[name] = query[name];
  if (isDate(query.from)) filters.from = startOfDay(query.from, zone);
  if (isDate(query.to)) filters.to = startOfDay(addDays(query.to, 1), zone);
  // Names for the ids an entry carries, asked once each.
  const names = new Map();
  const nameOf = (id) => {
    if (!id) return Promise.resolve("—");
    if (!names.has(id)) names.set(id, api.get(`/users/${encodeURIComponent(id)}`).then((person) => person.name).catch(() => id));
    return names.get(id);
  };
  const person = (id) => {
    const cell = h("span", { class: "audit-id", title: id || "" }, id ? "…" : "—");
    if (id) nameOf(id).then((name) => { cell.textContent = name; });
    return cell;
  };
  const rows = h("tbody", {});
  const holder = h("div", {});
  let cursor = null;
  async function more() {
    const result = await api.get("/audit", { ...filters, limit: PAGE_SIZE, cursor });
    rows.append(...result.items.map((entry) => h("tr", { id: `audit-${entry.id}` },
      h("td", {}, formatDateTime(entry.at, zone)),
      h("td", {}, actionText(entry.action)),
      h("td", {}, person(entry.actor_id)),
      h("td", {}, person(entry.subject_id)),
      h("td", {}, entry.ip || "—"))));
    cursor = result.next_cursor;
    holder.querySelector(".more")?.remove();
    if (cursor) holder.append(button(t("common.more"), () => more().catch((error) => holder.append(alertBox(error))), { class: "secondary more" }));
  }
  let problem = null;
  try {
    await more();
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 422)) throw error;
    problem = error;
  }
  const wrap = h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": t("audit.caption") },
    h("table", { id: "audit-table" }, h("caption", {}, t("audit.caption")),
      h("thead", {}, h("tr", {}, [t("audit.at"), t("audit.action"), t("audit.actor"), t("audit.subject"), t("audit.ip")]
        .map((text) => h("th", { scope: "col" }, text)))),
      rows));
  const today = localDate(new Date().toISOString(), zone);
  const filterForm = form({
    id: "audit-filter",
    fields: [
      h("div", { class: "row" },
        dateField("from", t("admin.from"), isDate(query.from) ? query.from : ""),
        dateField("to", t("admin.to"), isDate(query.to) ? query.to : "", today)),
      { name: "action", label: t("audit.action"), type: "select", value: AUDIT_ACTIONS.includes(query.action) ? query.action : "",
        options: [{ value: "", label: t("people.all") }, ...AUDIT_ACTIONS.map((action) => ({ value: action, label: actionText(action) }))] },
      { name: "actor_id", label: t("audit.actor_id"), value: query.actor_id || "", autocomplete: "off", spellcheck: "false" },
      { name: "subject_id", label: t("audit.subject_id"), value: query.subject_id || "", autocomplete: "off", spellcheck: "false" },
    ],
    submit: t("people.show"),
    onSubmit: async (values, element) => {
      const params = new URLSearchParams();
      for (const name of ["from", "to"]) if (isDate(element.elements[name].value)) params.set(name, element.elements[name].value);
      for (const name of ["action", "actor_id", "subject_id"]) if (values[name]) params.set(name, values[name]);
      navigate(`/audit?${params}`);
    },
  });
  return page(t("audit.title"),
    h("p", {}, t("audit.intro")),
    card(t("audit.filter_title"), filterForm),
    problem ? alertBox(t("admin.check_fields")) : null,
    rows.children.length ? [wrap, holder] : empty(t("audit.none")),
    h("p", { class: "meta" }, t("common.times_in", { zone })));
}

function dateField(name, label, value, max) {
  const id = `audit-filter-${name}`;
  const input = h("input", { id, name, type: "date", max });
  input.value = value;
  return h("div", { class: "field" }, h("label", { for: id }, label), input);
}

export const routes = [
  { path: "/people", roles: ["admin"], page: peoplePage },
  { path: "/people/:id", roles: ["admin"], page: personPage },
  { path: "/branches/:id", roles: ["admin"], page: branchPage },
  { path: "/reassign", roles: ["admin"], page: reassignPage },
  { path: "/audit", roles: ["admin"], page: auditPage },
];
