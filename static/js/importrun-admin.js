/*
 * An import run's admin page: hide the Accept and Dismiss buttons of the skipped changes from a user who may
 * not decide them. The server refuses their POST anyway (ImportRunAdmin.skipped_change_view); this only keeps
 * buttons that would fail off the page. Loaded with defer from a tag carrying data-can-decide="true|false".
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (script && script.dataset.canDecide === "true") {
    return;
  }
  document.querySelectorAll("table.skipped-changes button").forEach(function (button) {
    button.classList.add("hidden"); // admin's base.css: .hidden { display: none !important }
  });
})();
