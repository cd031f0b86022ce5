/*
 * Starts Swagger UI on the API docs page (templates/drf_spectacular/swagger_ui.html) from the data- attributes
 * of #swagger-ui: the schema URL, drf-spectacular's SWAGGER_UI_SETTINGS and SWAGGER_UI_OAUTH2_CONFIG (JSON),
 * and the CSRF header and token that "Try it out" needs for a POST made with the signed-in session. This is
 * drf-spectacular's inline start-up script as a file, so the page runs under a CSP without 'unsafe-inline'.
 * The schema is public (SERVE_PUBLIC), so the package's re-download of the schema after an "Authorize" is
 * left out.
 */
(function () {
  "use strict";

  var holder = document.getElementById("swagger-ui");
  var config = holder.dataset;

  function json(text, fallback) {
    return text ? JSON.parse(text) : fallback;
  }

  // The package's page <style>, as a constructed style sheet: the CSP allows no inline <style> element.
  var page = new CSSStyleSheet();
  page.replaceSync(
    "html { box-sizing: border-box; overflow-y: scroll; }" +
      "*, *:after, *:before { box-sizing: inherit; }" +
      "body { background: #fafafa; margin: 0; }"
  );
  document.adoptedStyleSheets = document.adoptedStyleSheets.concat([page]);

  function requestInterceptor(request) {
    // Only same-origin writes carry the session's CSRF token (and never a GET, to keep CORS simple).
    if (["GET", undefined].indexOf(request.method) === -1 && request.credentials === "same-origin") {
      request.headers[config.csrfHeader] = config.csrfToken;
    }
    return request;
  }

  var ui = SwaggerUIBundle(
    Object.assign(
      {
        url: config.schemaUrl,
        dom_id: "#swagger-ui",
        presets: [SwaggerUIBundle.presets.apis],
        layout: "BaseLayout",
        requestInterceptor: requestInterceptor,
      },
      json(config.settings, {})
    )
  );
  var oauth2 = json(config.oauth2Config, null);
  if (oauth2 && Object.keys(oauth2).length) {
    ui.initOAuth(oauth2);
  }
  window.ui = ui;
})();
