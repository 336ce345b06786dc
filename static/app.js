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

// The navigation's menus (<details>): one open at a time, closed by Escape or a click elsewhere.
document.addEventListener("DOMContentLoaded", () => {
  const menus = [...document.querySelectorAll("details.nav-menu")];
  for (const menu of menus) {
    // A menu button's role and state, told explicitly (not every reader says "collapsed" for a
    // bare <summary>).
    const summary = menu.querySelector("summary");
    summary.setAttribute("role", "button");
    summary.setAttribute("aria-expanded", String(menu.open));
    menu.addEventListener("toggle", () => {
      summary.setAttribute("aria-expanded", String(menu.open));
      if (menu.open) for (const other of menus) if (other !== menu) other.open = false;
    });
    menu.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  }
  document.addEventListener("click", (event) => {
    for (const menu of menus) if (menu.open && !menu.contains(event.target)) menu.open = false;
  });
});
