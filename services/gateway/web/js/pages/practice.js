// Admins' session types: what a branch offers (a 20-minute intro, a 60-minute session, a CV clinic
// for 30), how long, how it is held, and whether the intake form comes first.

import { all, api } from "../api.js";
import { t } from "../i18n.js";
import { card, confirmButton, empty, flash, form, h, page } from "../ui.js";
import { MODALITIES, lengthText, modalityTag, typeName } from "./types.js";

const isOrgAdmin = (user) => user.role === "org_admin";

function typeItem(type, nameOf) {
  return h("li", { id: `type-item-${type.id}` },
    h("p", { class: "title" }, h("a", { href: `#/session-types/${encodeURIComponent(type.id)}` }, typeName(type)),
      type.active === false ? h("span", { class: "badge" }, ` ${t("types.inactive")}`) : null),
    h("p", { class: "meta" }, lengthText(type), type.buffer_minutes ? ` · ${t("types.buffer", { n: type.buffer_minutes })}` : "",
      " · ", modalityTag(type.modality)),
    h("p", { class: "meta" },
      type.seats > 1 ? t("types.seats", { n: type.seats }) : t("types.one_to_one"),
      " · ", type.branch_id ? nameOf(type.branch_id) : t("types.every_branch"),
      type.requires_intake ? ` · ${t("types.intake_first")}` : ""));
}

function numberOrNull(value) {
  return value === null || value === undefined || value === "" || Number.isNaN(value) ? null : Number(value);
}

function typeForm(user, own, type, done) {
  const editing = Boolean(type);
  const value = type || { name: { en: "", sw: "" }, modality: "video", seats: 1, requires_intake: false, active: true };
  const branchOptions = isOrgAdmin(user)
    ? [{ value: "", label: t("types.every_branch") }, ...own.map((branch) => ({ value: branch.id, label: branch.name }))]
    : own.map((branch) => ({ value: branch.id, label: branch.name }));
  return form({
    id: "session-type",
    fields: [
      { name: "name.en", label: t("types.name_en"), value: value.name && value.name.en, required: true, autocomplete: "off", maxlength: 100 },
      { name: "name.sw", label: t("types.name_sw"), value: value.name && value.name.sw, required: true, autocomplete: "off", maxlength: 100 },
      { name: "minutes", label: t("types.minutes_label"), type: "number", value: value.minutes ?? "", min: 15, max: 240, step: 5,
        hint: t("types.minutes_hint") },
      { name: "buffer_minutes", label: t("types.buffer_label"), type: "number", value: value.buffer_minutes ?? "", min: 0, max: 120, step: 5,
        hint: t("types.buffer_hint") },
      { name: "modality", label: t("types.modality_label"), type: "select", value: value.modality, required: true,
        options: MODALITIES.map((modality) => ({ value: modality, label: t(`modality.${modality}`) })), hint: t("types.modality_hint") },
      { name: "seats", label: t("types.seats_label"), type: "number", value: value.seats ?? 1, min: 1, max: 500, required: true,
        hint: t("types.seats_hint") },
      { name: "branch_id", label: t("field.branch"), type: "select", value: value.branch_id || (isOrgAdmin(user) ? "" : user.branch_id),
        options: branchOptions },
      { name: "requires_intake", label: t("types.requires_intake"), type: "checkbox", value: value.requires_intake },
      { name: "active", label: t("types.active"), type: "checkbox", value: value.active !== false },
    ],
    submit: editing ? t("common.save") : t("types.add_submit"),
    onSubmit: async (values) => {
      const body = {
        name: { en: values["name.en"], sw: values["name.sw"] },
        minutes: numberOrNull(values.minutes),
        buffer_minutes: numberOrNull(values.buffer_minutes),
        modality: values.modality,
        seats: numberOrNull(values.seats) || 1,
        branch_id: values.branch_id || null,
        requires_intake: values.requires_intake,
        active: values.active,
      };
      const saved = editing ? await api.patch(`/session-types/${type.id}`, body) : await api.post("/session-types", body);
      flash(t(editing ? "types.saved" : "types.added", { name: typeName(saved || body) }));
      done();
    },
  });
}

async function branchesOf(user) {
  const every = await all("/branches");
  const own = isOrgAdmin(user) ? every : every.filter((branch) => branch.id === user.branch_id);
  const names = new Map(every.map((branch) => [branch.id, branch.name]));
  return { own, nameOf: (id) => names.get(id) || id };
}

async function typesPage({ user, render }) {
  const [types, { own, nameOf }] = await Promise.all([all("/session-types", { include_inactive: true }), branchesOf(user)]);
  const sorted = [...types].sort((a, b) => Number(b.active !== false) - Number(a.active !== false) || typeName(a).localeCompare(typeName(b)));
  return page(t("types.title"),
    h("p", {}, t("types.intro")),
    h("div", { class: "grid grid-2" },
      card(t("types.list_title"), sorted.length ? h("ul", { class: "list", id: "type-list" }, sorted.map((type) => typeItem(type, nameOf)))
        : empty(t("types.none"))),
      card(t("types.add_title"), typeForm(user, own, null, render))),
    h("p", {}, h("a", { href: "#/intake-form" }, t("types.intake_link"))));
}

async function typePage({ params, user, navigate }) {
  const [type, { own }] = await Promise.all([api.get(`/session-types/${encodeURIComponent(params.id)}`), branchesOf(user)]);
  return page(t("types.edit_title", { name: typeName(type) }),
    h("p", {}, h("a", { href: "#/session-types" }, t("types.back"))),
    card(null, typeForm(user, own, type, () => navigate("/session-types"))),
    type.is_default || type.active === false ? null : card(t("types.remove_title"),
      h("p", {}, t("types.remove_intro")),
      confirmButton({
        id: "type-remove",
        label: t("types.remove"),
        question: t("types.remove_question", { name: typeName(type) }),
        confirm: t("types.remove_confirm"),
        onConfirm: async () => {
          await api.delete(`/session-types/${type.id}`);
          flash(t("types.removed", { name: typeName(type) }));
          navigate("/session-types");
        },
      })));
}

export const routes = [
  { path: "/session-types", roles: ["admin"], page: typesPage },
  { path: "/session-types/:id", roles: ["admin"], page: typePage },
];
