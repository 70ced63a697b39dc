// Small DOM helpers shared by every page: elements, labelled form fields, errors beside their field.

import { ApiError } from "./api.js";
import { t, has } from "./i18n.js";

export function h(tag, attrs = {}, ...children) {
  const svg = tag.startsWith("svg:");
  const element = svg
    ? document.createElementNS("http://www.w3.org/2000/svg", tag.slice(4))
    : document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "on") for (const [event, handler] of Object.entries(value)) element.addEventListener(event, handler);
    else if (name === "class") element.setAttribute("class", Array.isArray(value) ? value.filter(Boolean).join(" ") : value);
    else if (name === "text") element.textContent = value;
    else if (name in element && !svg && typeof value !== "string") element[name] = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

// A page: its heading (focused on arrival, so a screen reader hears where it is) and its parts.
export function page(title, ...children) {
  return h("section", { class: "page" }, h("h1", { tabindex: "-1" }, title), ...children);
}

export function card(title, ...children) {
  return h("section", { class: "card" }, title ? h("h2", {}, title) : null, ...children);
}

export function empty(text) { return h("p", { class: "empty" }, text); }

export function loading() { return h("p", { class: "loading", role: "status" }, t("common.loading")); }

export function link(href, text, attrs = {}) { return h("a", { href, ...attrs }, text); }

export function button(text, onClick, attrs = {}) {
  return h("button", { type: "button", class: attrs.class || "secondary", ...attrs, on: { click: onClick } }, text);
}

/*
 * A button for something that cannot be undone lightly (deactivate, revoke, sign out everywhere):
 * pressed once, it asks `question` and offers `confirm` and Cancel; onConfirm may throw an ApiError,
 * shown in place.
 */
export function confirmButton({ id, label, question, confirm, onConfirm, ariaLabel, kind = "danger" }) {
  const holder = h("div", { class: "confirm-step", id: `${id}-step` });
  const ask = button(label, () => {
    const questionId = `${id}-question`;
    const yes = button(confirm, async (event) => {
      const pressed = event.currentTarget;
      pressed.disabled = true;
      try {
        await onConfirm();
        if (holder.isConnected) holder.replaceChildren(ask); // the page stays: it may be asked again
      } catch (error) {
        holder.replaceChildren(alertBox(error), ask);
        ask.focus();
      }
    }, { class: kind, id: `${id}-confirm`, "aria-describedby": questionId });
    const no = button(t("common.cancel"), () => { holder.replaceChildren(ask); ask.focus(); }, { id: `${id}-cancel` });
    holder.replaceChildren(h("p", { class: "confirm-question", id: questionId }, question), h("div", { class: "actions" }, yes, no));
    yes.focus();
  }, { class: kind, id, "aria-label": ariaLabel });
  holder.append(ask);
  return holder;
}

export function status(value) {
  return h("span", { class: `badge badge-${value}` }, has(`status.${value}`) ? t(`status.${value}`) : value);
}

// What an API error means to the person reading it, in their language.
export function errorText(error) {
  if (!(error instanceof ApiError)) return t("error.unknown");
  if (error.status === 0) return t("error.offline");
  if (has(`error.${error.code}`) && error.code !== "validation_error" && error.code !== "conflict") {
    return t(`error.${error.code}`);
  }
  return error.message || t("error.unknown");
}

export function alertBox(error) {
  return h("p", { class: "alert", role: "alert" }, typeof error === "string" ? error : errorText(error));
}

let flashTimer = null;
// A short confirmation in the live region under the header ("Session booked").
export function flash(message, kind = "ok") {
  const region = document.getElementById("flash");
  if (!region) return;
  region.className = `flash flash-${kind}`;
  region.textContent = message;
  clearTimeout(flashTimer);
  flashTimer = setTimeout(() => { region.textContent = ""; region.className = "flash"; }, 8000);
}

let formCount = 0;

/*
 * A form whose fields are labelled and whose errors appear next to the field the API names.
 * fields: [{name, label, type, value, required, options, hint, autocomplete, ...input attributes}]
 * or ready nodes. onSubmit(values, form) may throw an ApiError; nothing typed is cleared on error.
 */
export function form({ fields, submit, onSubmit, id, secondary }) {
  const formId = id || `form${++formCount}`;
  const alert = h("div", { class: "form-alert", "aria-live": "assertive" });
  const controls = {};
  const body = fields.map((spec) => (spec instanceof Node ? spec : field(formId, spec, controls)));
  const submitButton = h("button", { type: "submit", class: "primary" }, submit);
  const element = h("form", { id: formId, novalidate: true }, alert, body,
    h("div", { class: "actions" }, submitButton, secondary || null));
  keepTyping(element, formId, controls);
  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(element, alert);
    const values = valuesOf(controls);
    const missing = Object.entries(controls)
      .filter(([, control]) => control.required && (values[control.fieldName] === "" || values[control.fieldName] == null))
      .map(([name]) => name);
    if (missing.length) {
      for (const name of missing) showFieldError(controls[name], [t("error.required")]);
      controls[missing[0]].focus();
      return;
    }
    submitButton.disabled = true;
    element.setAttribute("aria-busy", "true");
    try {
      await onSubmit(values, element);
      forgetTyping(formId);
    } catch (error) {
      showErrors(error, controls, alert);
    } finally {
      submitButton.disabled = false;
      element.removeAttribute("aria-busy");
    }
  });
  return element;
}

// What a person typed survives an error, a reload, going offline and an expired sign-in: it is
// kept for this tab (never a password, a code or a file) until the form is sent successfully.
const typedKey = (formId) => `njia.typed.${formId}`;
const routeNow = () => location.hash.split("?")[0];

function keepTyping(element, formId, controls) {
  // Never a password, a sign-in code or a recovery code (a secret too), nor a file.
  const kept = (name, control) => control.type !== "password" && control.autocomplete !== "one-time-code"
    && control.fieldType !== "file" && name;
  // The page the form belongs to, fixed now: a focused field removed by a move to another page
  // still reports its last change, after the address has already changed.
  const at = routeNow();
  try {
    const saved = JSON.parse(sessionStorage.getItem(typedKey(formId)) || "null");
    if (saved && saved.at === at) {
      for (const [name, value] of Object.entries(saved.values)) {
        const control = controls[name];
        if (!control || !kept(name, control)) continue;
        if (control.fieldType === "checkbox") control.checked = Boolean(value);
        else control.value = value;
      }
    }
  } catch { /* storage unavailable (private mode): typing is simply not kept */ }
  const save = () => {
    const values = {};
    for (const [name, control] of Object.entries(controls)) {
      if (kept(name, control)) values[name] = control.fieldType === "checkbox" ? control.checked : control.value;
    }
    try { sessionStorage.setItem(typedKey(formId), JSON.stringify({ at, values })); } catch { /* as above */ }
  };
  element.addEventListener("input", save);
  element.addEventListener("change", save);
}

function forgetTyping(formId) {
  try { sessionStorage.removeItem(typedKey(formId)); } catch { /* as above */ }
}

function field(formId, spec, controls) {
  const { name, label, type = "text", value, options, hint, ...rest } = spec;
  const inputId = `${formId}-${name.replace(/[^a-zA-Z0-9_-]/g, "-")}`;
  const describedBy = [hint ? `${inputId}-hint` : null, `${inputId}-error`].filter(Boolean).join(" ");
  let control;
  if (type === "select") {
    control = h("select", { id: inputId, name, "aria-describedby": describedBy, ...rest },
      (options || []).map((option) => h("option", { value: option.value, selected: String(option.value) === String(value ?? "") }, option.label)));
  } else if (type === "textarea") {
    control = h("textarea", { id: inputId, name, rows: 4, "aria-describedby": describedBy, ...rest });
    control.value = value ?? "";
  } else if (type === "checkbox") {
    control = h("input", { id: inputId, name, type, "aria-describedby": describedBy, ...rest });
    control.checked = Boolean(value);
  } else {
    control = h("input", { id: inputId, name, type, "aria-describedby": describedBy, ...rest });
    if (value !== undefined && value !== null) control.value = value;
  }
  control.fieldName = name;
  control.fieldType = type;
  controls[name] = control;
  const labelNode = h("label", { for: inputId }, label, spec.required ? h("span", { class: "required", "aria-hidden": "true" }, " *") : null);
  const wrapper = h("div", { class: ["field", type === "checkbox" ? "field-check" : null] },
    type === "checkbox" ? [control, labelNode] : [labelNode, control],
    hint ? h("p", { class: "hint", id: `${inputId}-hint` }, hint) : null,
    h("p", { class: "field-error", id: `${inputId}-error` }));
  return wrapper;
}

function valuesOf(controls) {
  const values = {};
  for (const [name, control] of Object.entries(controls)) {
    if (control.fieldType === "checkbox") values[name] = control.checked;
    else if (control.fieldType === "file") values[name] = control.files[0] || null;
    else if (control.fieldType === "number") values[name] = control.value === "" ? null : Number(control.value);
    else values[name] = control.value.trim ? control.value.trim() : control.value;
  }
  return values;
}

function clearErrors(element, alert) {
  alert.replaceChildren();
  for (const node of element.querySelectorAll(".field-error")) node.textContent = "";
  for (const node of element.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
}

function showFieldError(control, messages) {
  control.setAttribute("aria-invalid", "true");
  document.getElementById(`${control.id}-error`).textContent = messages.join(" ");
}

// Errors the API ties to a field go beside it; the rest go above the form.
export function showErrors(error, controls, alert) {
  const fieldErrors = error instanceof ApiError ? error.fieldErrors() : {};
  const unplaced = [];
  let first = null;
  for (const [name, messages] of Object.entries(fieldErrors)) {
    const control = controls[name] || controls[name.split(".").pop()];
    if (control) {
      showFieldError(control, messages);
      first = first || control;
    } else {
      unplaced.push(`${name}: ${messages.join(" ")}`);
    }
  }
  if (!first || unplaced.length) {
    alert.replaceChildren(alertBox(unplaced.length && first ? unplaced.join(" ") : errorText(error)));
    if (unplaced.length && !first) alert.append(h("p", { class: "alert-detail" }, unplaced.join(" ")));
  }
  (first || alert).focus?.();
  if (!first) alert.scrollIntoView?.({ block: "nearest" });
}

export function table(headers, rows, caption) {
  return h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": caption || headers.join(", ") },
    h("table", {}, caption ? h("caption", {}, caption) : null,
      h("thead", {}, h("tr", {}, headers.map((text) => h("th", { scope: "col" }, text)))),
      h("tbody", {}, rows.map((cells) => h("tr", {}, cells.map((cell) => h("td", {}, cell)))))));
}

// Downloads an authenticated file (a calendar event) the way a plain link would.
export async function download(blobPromise, filename) {
  const blob = await blobPromise;
  const url = URL.createObjectURL(blob);
  const anchor = h("a", { href: url, download: filename, class: "visually-hidden" });
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
