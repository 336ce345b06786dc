// The API reference page (/api/v1/docs): Swagger UI on the generated OpenAPI document.
// A static file, not an inline script, for the Content-Security-Policy.
(function () {
  var element = document.getElementById("api-reference");
  window.SwaggerUIBundle({
    url: element.getAttribute("data-spec-url"),
    domNode: element,
    deepLinking: true,
    tryItOutEnabled: false,
  });
})();
