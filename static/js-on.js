// Loaded in <head> before the page is drawn: the page knows JavaScript runs (see app.css, .no-js).
document.documentElement.classList.remove("no-js");
