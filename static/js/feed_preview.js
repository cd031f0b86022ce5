/*
 * The feed preview's "Copy address" button (templates/designations/feed_preview.html): shown only when this
 * script runs; without it the address stays selectable text in its read-only box. Says the outcome in the
 * page's status line.
 */
(function () {
  "use strict";

  function say(button, text) {
    var status = document.getElementById("feed-copy-status");
    if (status) { status.textContent = text; }
  }

  function copyBySelection(input) {
    input.focus();
    input.select();
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  document.querySelectorAll("button[data-copy-target]").forEach(function (button) {
    var input = document.getElementById(button.dataset.copyTarget);
    if (!input) { return; }
    button.hidden = false;
    input.addEventListener("focus", function () { input.select(); });
    button.addEventListener("click", function () {
      var done = function () { say(button, "Address copied: paste it into your feed reader."); };
      var fallback = function () {
        if (copyBySelection(input)) {
          done();
        } else {
          say(button, "Could not copy: the address is selected, copy it with your keyboard.");
        }
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, fallback);
      } else {
        fallback();
      }
    });
  });
})();
