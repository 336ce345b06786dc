// The organization picker as a search-as-you-type combobox (WAI-ARIA combobox pattern, list
// autocomplete). Without this file the picker is a search box, a "Search" button and boxes to
// tick (templates/_macros/picker.html); with it, typing lists the matches, the arrow keys move
// through them, Enter or a click adds one as a chip, Escape closes the list.
"use strict";

(() => {
  let counter = 0;

  function chipFor(picker, id, label, type) {
    const li = document.createElement("li");
    li.className = "picker-chip";
    const input = document.createElement("input");
    input.type = type;
    input.name = picker.dataset.name;
    input.value = id;
    input.checked = true;
    const text = document.createElement("span");
    text.textContent = label;
    li.append(input, text);
    enhanceChip(picker, li);
    return li;
  }

  // A chosen organization: its box stays (checked and hidden, so the form sends it) and a
  // "Remove …" button takes the chip away.
  function enhanceChip(picker, li) {
    const input = li.querySelector("input");
    const labelElement = li.querySelector("label, span");
    const name = labelElement.textContent.trim();
    input.hidden = true;
    if (labelElement.tagName === "LABEL") {
      const span = document.createElement("span");
      span.textContent = name;
      labelElement.replaceWith(span);
    }
    const button = document.createElement("button");
    button.type = "button";
    button.className = "picker-remove";
    button.setAttribute("aria-label", picker.dataset.removeLabel.replace("%(name)s", name));
    button.textContent = "×";
    button.addEventListener("click", () => {
      const next = li.nextElementSibling || li.previousElementSibling;
      li.remove();
      changed(picker);
      (next ? next.querySelector("button") : picker.querySelector("[role=combobox]")).focus();
    });
    li.append(button);
  }

  function changed(picker) {
    picker.dispatchEvent(new CustomEvent("picker:change", { bubbles: true }));
  }

  function chosenIds(picker) {
    if (picker.dataset.mode === "text") return [];
    return [...picker.querySelectorAll(".picker-chosen input")].map((input) => input.value);
  }

  function setUp(picker) {
    // "text" mode: a field that takes "Name #id" (an event's organizer): choosing fills it in.
    const text = picker.dataset.mode === "text";
    const input = picker.querySelector(text ? "input[type=text]" : ".picker-search input");
    const listbox = picker.querySelector("[role=listbox]");
    const status = picker.querySelector("[data-picker-status]");
    const chips = picker.querySelector(".picker-chosen");
    const multiple = picker.dataset.multiple === "true";
    const type = multiple ? "checkbox" : "radio";
    const prefix = `picker-${++counter}`;
    let found = [];
    let active = -1;
    let timer = null;
    let request = 0;

    if (chips) for (const li of chips.querySelectorAll("li")) enhanceChip(picker, li);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);

    function open() {
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      const options = listbox.querySelectorAll("[role=option]");
      if (!options.length) return;
      active = (index + options.length) % options.length;
      options.forEach((option, i) => {
        option.setAttribute("aria-selected", i === active ? "true" : "false");
        option.classList.toggle("active", i === active);
      });
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    }

    function show(items) {
      const taken = new Set(chosenIds(picker));
      found = items.filter((item) => !taken.has(String(item.id)));
      listbox.replaceChildren(
        ...found.map((item, i) => {
          const option = document.createElement("li");
          option.id = `${prefix}-option-${i}`;
          option.className = "list-group-item list-group-item-action";
          option.setAttribute("role", "option");
          option.setAttribute("aria-selected", "false");
          option.textContent = item.label;
          // mousedown, not click: the input keeps the focus (and the list is not closed by blur).
          option.addEventListener("mousedown", (event) => {
            event.preventDefault();
            choose(i);
          });
          return option;
        }),
      );
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (found.length) {
        open();
        status.textContent = "";
      } else {
        close();
        status.textContent = picker.dataset.noneFound;
      }
    }

    async function search() {
      const typed = input.value.trim();
      const mine = ++request;
      if (!typed) {
        show([]);
        status.textContent = "";
        return;
      }
      const url = new URL(picker.dataset.suggest, window.location.href);
      url.searchParams.set("q", typed.replace(/\s*#\d+$/, ""));
      try {
        const response = await fetch(url, { headers: { Accept: "application/json" } });
        if (response.ok && mine === request) show(await response.json());
      } catch {
        // Offline or signed out: the "Search" button still works (without JavaScript's help).
      }
    }

    function choose(index) {
      const item = found[index];
      if (!item) return;
      if (text) {
        input.value = `${item.label} #${item.id}`;
        close();
        changed(picker);
        return;
      }
      if (!multiple) chips.replaceChildren();
      chips.append(chipFor(picker, item.id, item.label, type));
      input.value = "";
      close();
      status.textContent = picker.dataset.added.replace("%(name)s", item.label);
      changed(picker);
      input.focus();
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    input.addEventListener("keydown", (event) => {
      const expanded = !listbox.hidden;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (!expanded) {
          if (found.length) open();
          else search();
          if (found.length) highlight(event.key === "ArrowDown" ? 0 : found.length - 1);
          return;
        }
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter") {
        // Enter chooses the highlighted organization; in a chips picker it never sends the
        // form (a "Name #id" field sends it once nothing is left to choose).
        if (expanded && (active >= 0 || found.length === 1)) {
          event.preventDefault();
          choose(active >= 0 ? active : 0);
        } else if (!text) {
          event.preventDefault();
        }
      } else if (event.key === "Escape") {
        if (expanded) {
          event.preventDefault();
          close();
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
        }
      } else if (event.key === "Home" && expanded && active >= 0) {
        event.preventDefault();
        highlight(0);
      } else if (event.key === "End" && expanded && active >= 0) {
        event.preventDefault();
        highlight(found.length - 1);
      }
    });
    input.addEventListener("blur", () => close());

    // The no-JavaScript way (a "Search" button, boxes to tick) gives way to the combobox.
    for (const element of picker.querySelectorAll("[data-nojs]")) element.hidden = true;
    const leftOver = chips && picker.querySelector(".picker-found");
    if (leftOver) {
      for (const box of leftOver.querySelectorAll("input:checked")) {
        const label = picker.querySelector(`label[for="${box.id}"]`).textContent;
        if (!multiple) chips.replaceChildren();
        chips.append(chipFor(picker, box.value, label, type));
      }
      leftOver.remove();
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const picker of document.querySelectorAll("[data-picker]")) setUp(picker);
  });
})();
