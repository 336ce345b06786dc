// Progressive enhancement of long forms: every form works without this file.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // What only people without JavaScript need ("Search", "Show the people…" buttons).
  for (const element of document.querySelectorAll("[data-nojs]")) element.hidden = true;

  // Enter in a one-line field of a long form does not send it half filled in; the Save
  // button, Enter on it, or Enter in a text area's sibling buttons still do.
  for (const form of document.querySelectorAll("form[data-long-form]")) {
    form.addEventListener("keydown", (event) => {
      const target = event.target;
      if (
        event.key === "Enter" &&
        target instanceof HTMLInputElement &&
        !["submit", "button", "image", "reset"].includes(target.type)
      ) {
        event.preventDefault();
      }
    });
  }

  // Quick due dates: the server computed them in the user's time zone (crm.timezones).
  for (const group of document.querySelectorAll("[data-quick-dates]")) {
    const input = document.getElementById(group.dataset.quickDates);
    if (!input) continue;
    group.hidden = false;
    for (const button of group.querySelectorAll("button[data-date]")) {
      button.addEventListener("click", () => {
        input.value = button.dataset.date;
        input.dispatchEvent(new Event("input", { bubbles: true }));
        input.dispatchEvent(new Event("change", { bubbles: true }));
      });
    }
  }

  // A contacts list follows the organization picker it belongs to (contacts.options).
  for (const list of document.querySelectorAll("[data-contacts-for]")) {
    const picker = document.getElementById(list.dataset.contactsFor);
    const options = list.querySelector("[data-contact-options]");
    if (!picker || !options) continue;
    let request = 0;
    picker.addEventListener("picker:change", async () => {
      const url = new URL(list.dataset.url, window.location.href);
      const params = url.searchParams;
      params.set("name", list.dataset.name);
      params.set("multiple", list.dataset.multiple);
      params.set("with_organization", list.dataset.withOrganization);
      for (const box of picker.querySelectorAll(".picker-chosen input")) {
        params.append("organization_ids", box.value);
      }
      for (const id of (list.dataset.extra || "").split(" ").filter(Boolean)) {
        params.append("organization_ids", id);
      }
      for (const seen of options.querySelectorAll(`input[name="${list.dataset.name}-seen"]`)) {
        params.append("seen", seen.value);
      }
      for (const box of options.querySelectorAll("input:checked")) {
        if (box.value) params.append("checked", box.value);
      }
      const mine = ++request;
      try {
        const response = await fetch(url);
        if (response.ok && mine === request) {
          options.innerHTML = await response.text();
          list.dispatchEvent(new CustomEvent("contacts:change", { bubbles: true }));
        }
      } catch {
        // Offline: the list stays as it was; saving still checks every contact.
      }
    });
  }
});
