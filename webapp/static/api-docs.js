// Starts Swagger UI on /api/docs. A file instead of an inline script, so a strict
// Content-Security-Policy can allow it; validatorUrl null keeps the page off third-party hosts.
window.addEventListener("load", function () {
  var container = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: container.dataset.specUrl,
    dom_id: "#swagger-ui",
    validatorUrl: null,
    deepLinking: true
  });
});
