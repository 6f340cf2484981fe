// Starts Swagger UI on crossings' OpenAPI document. A file, not an inline script:
// the page policy allows scripts from this server only.
window.addEventListener("load", function () {
  "use strict";
  window.ui = SwaggerUIBundle({
    url: document.getElementById("swagger-ui").dataset.openapi,
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    validatorUrl: null,
    tryItOutEnabled: true,
    displayRequestDuration: true,
  });
});
