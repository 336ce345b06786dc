// The API reference page (/api/v1/docs): Swagger UI on the generated OpenAPI document.
// A static file, not an inline script, for the Content-Security-Policy.
(function () {
  var element = document.getElementById("api-reference");
  window.SwaggerUIBundle({
    url: element.getAttribute("data-spec-url"),
    domNode: element,
    // Deep links put a link inside each operation's toggle button (nested controls).
    deepLinking: false,
    tryItOutEnabled: false,
    onComplete: function () {
      // The server choice is a select without a label: name it.
      var servers = document.getElementById("servers");
      if (servers) servers.setAttribute("aria-label", element.getAttribute("data-servers-label"));
    },
  });
})();
