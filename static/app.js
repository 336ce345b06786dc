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

  // A file above the upload limit is flagged before it is sent (the server answers 413 anyway).
  for (const input of document.querySelectorAll("input[type=file][data-max-bytes]")) {
    input.addEventListener("change", () => {
      const file = input.files[0];
      const tooLarge = file && file.size > Number(input.dataset.maxBytes);
      input.setCustomValidity(tooLarge ? input.dataset.tooLarge : "");
      input.reportValidity();
    });
  }
});
