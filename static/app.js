// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // The language switcher applies on change; its button stays for people without JavaScript.
  for (const form of document.querySelectorAll("form.js-language")) {
    const select = form.querySelector("select");
    const button = form.querySelector("button");
    if (select && button) {
      button.classList.add("visually-hidden");
      select.addEventListener("change", () => form.requestSubmit());
    }
  }
});
