// Session types as people meet them: a name in their language, a length, and how it is held
// (video, in person, phone) as an icon with words. Shared by booking, sessions and workshops.

import { all, ApiError } from "../api.js";
import { named, t } from "../i18n.js";
import { h } from "../ui.js";

export const MODALITIES = ["video", "in_person", "phone"];

// Small line drawings beside the words (never instead of them).
const ICONS = {
  video: "M3 7h11v10H3z M14 10l6-3v10l-6-3",
  in_person: "M12 21s-6-6.2-6-11a6 6 0 0 1 12 0c0 4.8-6 11-6 11z M12 8.5a1.5 1.5 0 1 0 0 3a1.5 1.5 0 1 0 0-3",
  phone: "M7 3h4l1 5-2.5 1.5a11 11 0 0 0 5 5L16 12l5 1v4a2 2 0 0 1-2 2A16 16 0 0 1 5 5a2 2 0 0 1 2-2z",
};

export function modalityIcon(modality) {
  return h("svg:svg", { class: "modality-icon", viewBox: "0 0 24 24", "aria-hidden": "true", focusable: "false" },
    h("svg:path", { d: ICONS[modality] || ICONS.video }));
}

// "Video call" / "At the branch" / "Phone call", with its icon.
export function modalityTag(modality) {
  const known = MODALITIES.includes(modality) ? modality : "video";
  return h("span", { class: `modality modality-${known}` }, modalityIcon(known), t(`modality.${known}`));
}

export function lengthText(type) {
  return type.minutes ? t("types.minutes", { n: type.minutes }) : t("types.own_length");
}

export const typeName = (type) => named(type && type.name) || t("types.unnamed");

// The types someone may book one to one (or take a seat in, seats > 1) at a branch: active ones of
// that branch or of every branch.
export async function bookableTypes(branchId, { workshops = false } = {}) {
  // Before an organization has its types (or on an older Njia) booking goes on as before.
  const every = await all("/session-types", branchId ? { branch_id: branchId } : {}).catch((error) => {
    if (error instanceof ApiError && error.status === 404) return [];
    throw error;
  });
  return every.filter((type) => type.active !== false && (!type.branch_id || !branchId || type.branch_id === branchId)
    && (workshops ? type.seats > 1 : !(type.seats > 1)));
}
