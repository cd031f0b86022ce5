/*
 * The "What changed" page's period form: typing a From or To date chooses "Dates chosen", and with a preset
 * period chosen the date boxes are left out of the request (the preset decides the days). Without this
 * script the radio buttons decide and the page says when dates were given but not used.
 */
(function () {
  "use strict";

  var form = document.querySelector("form.changes-form");
  if (!form) {
    return;
  }
  var custom = form.querySelector('input[name="period"][value="custom"]');
  var dates = ["occurred_after", "occurred_before"]
    .map(function (name) { return form.elements.namedItem(name); })
    .filter(Boolean);

  dates.forEach(function (box) {
    box.addEventListener("input", function () {
      if (custom) {
        custom.checked = true;
      }
    });
  });

  form.addEventListener("submit", function () {
    if (custom && !custom.checked) {
      dates.forEach(function (box) {
        box.disabled = true;
        // The request has its data by then; the boxes are usable again if the reader comes back.
        window.setTimeout(function () { box.disabled = false; }, 0);
      });
    }
  });
})();
