/*
 * Filter forms send only what was chosen: an empty box is left out of the request, so the URL pushed
 * into the address bar (and shared) holds only the filters in use. Without this script the page redirects
 * to the same URL without the empty parameters (designations.views.common.ParameterChecksMixin).
 */
(function () {
  "use strict";

  function isEmpty(value) {
    return typeof value === "string" && value.trim() === "";
  }

  // htmx requests (the filter forms swap their results in place).
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.verb !== "get") {
      return;
    }
    var parameters = event.detail.parameters;
    // The marker of the page's own status default matters only to a whole-page request (see below).
    if (parameters instanceof FormData) {
      parameters.delete("status_default");
    } else {
      delete parameters.status_default;
    }
    var names = parameters instanceof FormData ? Array.from(parameters.keys()) : Object.keys(parameters);
    names.forEach(function (name) {
      if (parameters instanceof FormData) {
        var kept = parameters.getAll(name).filter(function (value) { return !isEmpty(value); });
        parameters.delete(name);
        kept.forEach(function (value) { parameters.append(name, value); });
      } else if (isEmpty(parameters[name])) {
        delete parameters[name];
      }
    });
  });

  // "As of" is the state of the whole page (its cards, charts, breakdowns and title, not only the table): a
  // form whose day differs from the page's (data-page-as-of) loads the whole page instead of a swap.
  document.addEventListener("htmx:confirm", function (event) {
    var form = event.detail.elt;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-page-as-of")) {
      return;
    }
    var asOf = form.elements.namedItem("as_of");
    if (!asOf || asOf.value === form.getAttribute("data-page-as-of")) {
      return;
    }
    event.preventDefault();
    // The whole form, status_default included: the page's redirect leaves out the status it checked by
    // itself when a day is chosen (designations.views.common.ParameterChecksMixin), as without scripts.
    var query = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (!isEmpty(value)) {
        query.append(name, value);
      }
    });
    var action = form.getAttribute("hx-get") || window.location.pathname;
    window.location.assign(action + (query.toString() ? "?" + query.toString() : ""));
  });

  // Plain submissions of a GET form (no htmx on it): empty fields are disabled for the request.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "get" || form.hasAttribute("hx-get")) {
      return;
    }
    Array.from(form.elements).forEach(function (field) {
      if (field.name && !field.disabled && "value" in field && field.type !== "checkbox" && field.type !== "radio"
          && isEmpty(field.value)) {
        field.disabled = true;
        window.setTimeout(function () { field.disabled = false; }, 0);
      }
    });
  });
})();
