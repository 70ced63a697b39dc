// The intake form: an org admin writes its questions (English and Kiswahili); a client fills it in
// (saved as a draft as they go) before a session type that needs it, then goes back to their time.

import { ApiError, api } from "../api.js";
import { formatDateTime, named, t } from "../i18n.js";
import { alertBox, button, card, empty, flash, h, page, showErrors } from "../ui.js";

export const KINDS = ["text", "choice", "multi", "date", "number"];
const WITH_OPTIONS = ["choice", "multi"];

// An option is {id, label: {en, sw}} (or a plain string from an older form).
const optionId = (option) => (typeof option === "string" ? option : option.id ?? option.value);
const optionLabel = (option) => (typeof option === "string" ? option : named(option.label) || String(optionId(option)));

async function intakeForm() {
  try {
    return await api.get("/intake-form");
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

// --- the client's form ------------------------------------------------------------------------

function questionField(question, value, index) {
  const id = `intake-${index}`;
  const label = named(question.label);
  const required = question.required ? h("span", { class: "required", "aria-hidden": "true" }, " *") : null;
  // Beside the first control, named after it (as ui.js's showErrors looks for it).
  const withOptions = question.kind === "choice" || question.kind === "multi";
  const errorId = withOptions && (question.options || []).length ? `${id}-0-error` : `${id}-input-error`;
  const error = h("p", { class: "field-error", id: errorId });
  let control;
  if (withOptions) {
    const multi = question.kind === "multi";
    const chosen = new Set(multi ? (Array.isArray(value) ? value.map(String) : []) : [value == null ? "" : String(value)]);
    return h("fieldset", { class: "field intake-question", id, "data-question": question.id, "data-kind": question.kind,
      "aria-describedby": errorId },
      h("legend", {}, label, required),
      (question.options || []).map((option, at) => h("label", { class: "scale-option", for: `${id}-${at}` },
        h("input", { type: multi ? "checkbox" : "radio", name: id, id: `${id}-${at}`, value: String(optionId(option)),
          checked: chosen.has(String(optionId(option))) }),
        optionLabel(option))),
      error);
  }
  if (question.kind === "text") {
    control = h("textarea", { id: `${id}-input`, rows: 3, maxlength: 2000, "aria-describedby": errorId });
    control.value = value ?? "";
  } else {
    control = h("input", { id: `${id}-input`, type: question.kind === "date" ? "date" : question.kind === "number" ? "number" : "text",
      "aria-describedby": errorId, ...(question.kind === "number" ? { inputmode: "decimal", step: "any" } : {}) });
    if (value !== undefined && value !== null) control.value = value;
  }
  if (question.required) control.setAttribute("aria-required", "true");
  return h("div", { class: "field intake-question", id, "data-question": question.id, "data-kind": question.kind },
    h("label", { for: `${id}-input` }, label, required), control, error);
}

// What the form holds now: {question id: answer}, null for one left empty (which clears a saved answer).
function answersOf(element) {
  const answers = {};
  for (const node of element.querySelectorAll(".intake-question")) {
    const { question, kind } = node.dataset;
    let value;
    if (kind === "multi") value = [...node.querySelectorAll("input:checked")].map((input) => input.value);
    else if (kind === "choice") value = node.querySelector("input:checked")?.value ?? null;
    else if (kind === "number") {
      const text = node.querySelector("input").value;
      value = text === "" ? null : Number(text);
    } else value = node.querySelector("input, textarea").value.trim() || null;
    answers[question] = Array.isArray(value) && !value.length ? null : value;
  }
  return answers;
}

// Only the booking page may be gone back to (never another site).
const safeNext = (next) => (typeof next === "string" && next.startsWith("/book") ? next : null);

async function intakePage({ query, user, navigate }) {
  const [intake, mine] = await Promise.all([intakeForm(), api.get("/me/intake").catch((error) => {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  })]);
  const next = safeNext(query.next);
  const questions = (intake && intake.questions) || (mine && mine.form && mine.form.questions) || [];
  if (!questions.length) {
    return page(t("intake.title"), empty(t("intake.no_form")),
      next ? h("p", {}, h("a", { class: "button-link", href: `#${next}` }, t("intake.back_to_booking"))) : null);
  }
  const answers = (mine && mine.answers) || {};
  const complete = Boolean(mine && mine.status === "complete");
  const alert = h("div", { class: "form-alert", "aria-live": "assertive", tabindex: "-1" });
  const saved = h("p", { class: "meta", id: "intake-saved", role: "status" },
    mine && mine.updated_at ? t("intake.saved_at", { when: formatDateTime(mine.updated_at, user.timezone) }) : "");
  const fields = questions.map((question, index) => questionField(question, answers[question.id], index));
  const element = h("form", { id: "intake", class: "assessment-form", novalidate: true }, alert, fields);
  const controls = {};
  for (const [index, question] of questions.entries()) {
    const node = fields[index];
    const focusable = node.querySelector("input, textarea");
    if (!focusable) continue;
    controls[question.id] = focusable;
    controls[`answers.${question.id}`] = focusable;
  }
  let saving = Promise.resolve();
  const save = (submit) => {
    saving = saving.catch(() => {}).then(() => api.put("/me/intake", { answers: answersOf(element), submit }));
    return saving;
  };
  // A draft is kept as they go: each answer changed is saved quietly.
  element.addEventListener("change", () => {
    save(false).then((result) => {
      saved.textContent = t("intake.saved_at", { when: formatDateTime((result && result.updated_at) || new Date().toISOString(), user.timezone) });
    }).catch(() => { saved.textContent = t("intake.not_saved"); });
  });
  const send = async (event) => {
    event.preventDefault();
    alert.replaceChildren();
    for (const node of element.querySelectorAll(".field-error")) node.textContent = "";
    for (const node of element.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
    const given = answersOf(element);
    const missing = questions.map((question, index) => [question, index]).filter(([question]) => question.required && given[question.id] == null);
    if (missing.length) {
      for (const [, index] of missing) {
        fields[index].setAttribute("aria-invalid", "true");
        fields[index].querySelector(".field-error").textContent = t("error.required");
      }
      fields[missing[0][1]].querySelector("input, textarea").focus();
      return;
    }
    submitButton.disabled = true;
    try {
      await save(true);
      flash(t("intake.sent"));
      navigate(next || "/book");
    } catch (error) {
      showErrors(error, controls, alert);
    } finally {
      submitButton.disabled = false;
    }
  };
  const submitButton = h("button", { type: "submit", class: "primary", id: "intake-submit" }, t(next ? "intake.send_and_book" : "intake.send"));
  const later = button(t("intake.save_later"), async () => {
    try {
      await save(false);
      flash(t("intake.draft_saved"));
    } catch (error) {
      alert.replaceChildren(alertBox(error));
    }
  }, { id: "intake-save" });
  element.append(h("div", { class: "actions" }, submitButton, later), saved);
  element.addEventListener("submit", send);
  return page(t("intake.title"),
    h("p", {}, t(next ? "intake.intro_booking" : "intake.intro")),
    complete ? h("p", { class: "notice" }, t("intake.already_sent")) : null,
    card(null, element));
}

// --- what a client answered, for their counselor and admins ------------------------------------

function answerText(question, value) {
  if (value === undefined || value === null || value === "") return t("intake.no_answer");
  const options = question.options || [];
  const label = (id) => optionLabel(options.find((option) => String(optionId(option)) === String(id)) || id);
  if (Array.isArray(value)) return value.map(label).join(", ");
  return question.kind === "choice" ? label(value) : String(value);
}

export async function intakeCard(clientId, zone) {
  let intake;
  let current;
  try {
    [intake, current] = await Promise.all([api.get(`/clients/${encodeURIComponent(clientId)}/intake`), intakeForm()]);
  } catch (error) {
    if (error instanceof ApiError && [403, 404].includes(error.status)) return null;
    return card(t("intake.title"), alertBox(error));
  }
  const questions = (current && current.questions) || [];
  if (!questions.length) return null;
  const answers = intake.answers || {};
  return card(t("intake.title"),
    h("p", { class: "meta", id: "client-intake-status" }, intake.status === "complete"
      ? t("intake.complete_at", { when: intake.submitted_at ? formatDateTime(intake.submitted_at, zone) : "" })
      : t("intake.not_complete")),
    h("dl", { class: "facts intake-answers" }, questions.map((question) => [
      h("dt", {}, named(question.label)), h("dd", {}, answerText(question, answers[question.id]))])));
}

// --- the admin's editor -----------------------------------------------------------------------

let questionCount = 0;
const newId = () => `q${Date.now().toString(36)}${(++questionCount).toString(36)}`;

function optionsText(options) {
  return (options || []).map((option) => {
    if (typeof option === "string") return option;
    const label = option.label || {};
    return label.sw && label.sw !== label.en ? `${label.en || ""} | ${label.sw}` : (label.en || label.sw || "");
  }).join("\n");
}

// "Yes | Ndiyo" lines become options; an option keeps its id when its English words stay.
function optionsFrom(text, before) {
  const known = new Map((before || []).filter((option) => typeof option !== "string")
    .map((option) => [(option.label && option.label.en) || "", option.id]));
  return text.split("\n").map((line) => line.trim()).filter(Boolean).map((line, index) => {
    const [en, sw] = line.split("|").map((part) => part.trim());
    return { id: known.get(en) || `o${index + 1}`, label: { en, sw: sw || en } };
  });
}

function questionEditor(question, index, list, redraw) {
  const id = `question-${index}`;
  const input = (name, label, attrs = {}) => {
    const control = h("input", { id: `${id}-${name}`, "aria-describedby": `${id}-${name}-error`, autocomplete: "off", ...attrs });
    return h("div", { class: "field" }, h("label", { for: control.id }, label), control, h("p", { class: "field-error", id: `${id}-${name}-error` }));
  };
  const en = input("label-en", t("intake.label_en"), { required: true });
  const sw = input("label-sw", t("intake.label_sw"), { required: true });
  en.querySelector("input").value = (question.label && question.label.en) || "";
  sw.querySelector("input").value = (question.label && question.label.sw) || "";
  const kind = h("select", { id: `${id}-kind`, on: { change: () => { options.hidden = !WITH_OPTIONS.includes(kind.value); } } },
    KINDS.map((value) => h("option", { value, selected: value === question.kind }, t(`intake.kind.${value}`))));
  const optionsArea = h("textarea", { id: `${id}-options`, rows: 3, "aria-describedby": `${id}-options-hint ${id}-options-error` });
  optionsArea.value = optionsText(question.options);
  const options = h("div", { class: "field", hidden: !WITH_OPTIONS.includes(question.kind) },
    h("label", { for: optionsArea.id }, t("intake.options")), optionsArea,
    h("p", { class: "hint", id: `${id}-options-hint` }, t("intake.options_hint")),
    h("p", { class: "field-error", id: `${id}-options-error` }));
  const required = h("input", { type: "checkbox", id: `${id}-required`, checked: question.required !== false });
  const move = (by) => () => {
    const to = index + by;
    if (to < 0 || to >= list.length) return;
    [list[index], list[to]] = [list[to], list[index]];
    redraw();
  };
  const item = h("li", { class: "question-editor", id },
    h("fieldset", {},
      h("legend", {}, t("intake.question_n", { n: index + 1 })),
      en, sw,
      h("div", { class: "field" }, h("label", { for: kind.id }, t("intake.kind_label")), kind),
      options,
      h("div", { class: "field field-check" }, required, h("label", { for: required.id }, t("intake.required"))),
      h("div", { class: "actions" },
        index > 0 ? button(t("intake.move_up"), move(-1), { "aria-label": t("intake.move_up_n", { n: index + 1 }) }) : null,
        index < list.length - 1 ? button(t("intake.move_down"), move(1), { "aria-label": t("intake.move_down_n", { n: index + 1 }) }) : null,
        button(t("common.remove"), () => { list.splice(index, 1); redraw(); },
          { class: "danger", id: `${id}-remove`, "aria-label": t("intake.remove_n", { n: index + 1 }) }))));
  // What is typed is read back before any redraw, so moving or removing a question loses nothing.
  item.read = () => {
    Object.assign(question, {
      label: { en: en.querySelector("input").value.trim(), sw: sw.querySelector("input").value.trim() },
      kind: kind.value,
      required: required.checked,
    });
    if (WITH_OPTIONS.includes(kind.value)) question.options = optionsFrom(optionsArea.value, question.options);
    else delete question.options;
    return question;
  };
  return item;
}

async function intakeEditorPage({ user, render }) {
  const current = await intakeForm();
  const questions = ((current && current.questions) || []).map((question) => ({ ...question }));
  const editable = user.role === "org_admin";
  if (!editable) {
    return page(t("intake.editor_title"),
      questions.length ? h("ol", { class: "list" }, questions.map((question) => h("li", {},
        h("p", { class: "title" }, named(question.label)), h("p", { class: "meta" }, t(`intake.kind.${question.kind}`)))))
        : empty(t("intake.no_form_admin")),
      h("p", { class: "hint" }, t("intake.org_admin_only")));
  }
  const list = h("ol", { class: "list question-list", id: "questions" });
  const readAll = () => [...list.children].forEach((item) => item.read && item.read());
  const redraw = () => {
    list.replaceChildren(...questions.map((question, index) => questionEditor(question, index, questions, () => { readAll(); redraw(); })));
    if (!questions.length) list.replaceChildren(h("li", {}, empty(t("intake.no_questions"))));
  };
  redraw();
  const add = button(t("intake.add_question"), () => {
    readAll();
    questions.push({ id: newId(), label: { en: "", sw: "" }, kind: "text", required: true });
    redraw();
    list.lastChild.querySelector("input").focus();
  }, { id: "add-question" });
  const alert = h("div", { class: "form-alert", "aria-live": "assertive", tabindex: "-1" });
  const save = h("button", { type: "submit", class: "primary", id: "intake-form-save" }, t("intake.save_form"));
  const element = h("form", { id: "intake-form", class: "assessment-form", novalidate: true }, alert, list,
    h("div", { class: "actions" }, add, save));
  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    readAll();
    alert.replaceChildren();
    for (const node of element.querySelectorAll(".field-error")) node.textContent = "";
    const missing = [];
    questions.forEach((question, index) => {
      for (const lang of ["en", "sw"]) if (!question.label[lang]) missing.push(`question-${index}-label-${lang}`);
      if (WITH_OPTIONS.includes(question.kind) && !(question.options || []).length) missing.push(`question-${index}-options`);
    });
    if (missing.length) {
      for (const id of missing) document.getElementById(`${id}-error`).textContent = t("error.required");
      document.getElementById(missing[0]).focus();
      return;
    }
    save.disabled = true;
    try {
      await api.put("/intake-form", { questions });
      flash(t("intake.form_saved"));
      render();
    } catch (error) {
      const controls = {};
      questions.forEach((question, index) => {
        controls[`questions.${index}.label.en`] = document.getElementById(`question-${index}-label-en`);
        controls[`questions.${index}.label.sw`] = document.getElementById(`question-${index}-label-sw`);
        controls[`questions.${index}.options`] = document.getElementById(`question-${index}-options`);
      });
      showErrors(error, controls, alert);
    } finally {
      save.disabled = false;
    }
  });
  return page(t("intake.editor_title"),
    h("p", {}, t("intake.editor_intro")),
    current && current.version ? h("p", { class: "meta", id: "intake-version" }, t("intake.version", { n: current.version })) : null,
    card(null, element));
}

export const routes = [
  { path: "/intake", roles: ["client"], page: intakePage },
  { path: "/intake-form", roles: ["admin"], page: intakeEditorPage },
];
