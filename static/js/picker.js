/*
 * Pickers of a filter form (templates/designations/_filter_picker.html): a box above each list of check boxes
 * narrows it to the options whose name or code holds what is typed (in any case, accents ignored). Chosen
 * options stay in sight. A line under the box says how many options match; it is a polite live region,
 * created when the box first takes the focus, so a screen reader reads the number after each keystroke.
 *
 * Keys in the box: Down arrow or Enter moves to the first option shown (Enter never submits the form from
 * here), Escape empties the box. In the list, Up and Down arrows move between the options shown, and Up from
 * the first returns to the box.
 */
(function () {
  "use strict";

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
  }

  function enhance(picker, number) {
    var list = picker.querySelector(".picker-options");
    if (!list || picker.querySelector(".picker-search")) {
      return;
    }
    var items = Array.from(list.querySelectorAll("li"));
    var texts = items.map(function (item) { return fold(item.textContent); });
    var noun = picker.dataset.noun || "option";
    var nouns = picker.dataset.nouns || "options";

    var label = document.createElement("label");
    label.className = "picker-search";
    var id = "picker-search-" + number;
    label.setAttribute("for", id);
    label.textContent = (/^[aeiou]/i.test(noun) ? "Find an " : "Find a ") + noun;
    var box = document.createElement("input");
    box.type = "search";
    box.id = id;
    box.autocomplete = "off";
    box.spellcheck = false;
    box.setAttribute("aria-controls", list.id);
    label.appendChild(box);
    list.parentNode.insertBefore(label, list);

    var status = null;

    function visible() {
      return items.filter(function (item) { return !item.hidden; }).map(function (item) {
        return item.querySelector("input");
      });
    }

    function announce(matching) {
      if (!status) {
        return;
      }
      var query = box.value.trim();
      if (!query) {
        status.textContent = items.length + " " + (items.length === 1 ? noun : nouns);
      } else if (matching === 0) {
        status.textContent = "No " + noun + " matches \u201c" + query + "\u201d";
      } else {
        status.textContent = matching + " of " + items.length + " " + nouns + " match";
      }
    }

    function narrow() {
      var query = fold(box.value);
      var matching = 0;
      items.forEach(function (item, index) {
        var matches = texts[index].indexOf(query) !== -1;
        var checkbox = item.querySelector("input");
        if (matches) {
          matching += 1;
        }
        item.hidden = !(matches || (checkbox && checkbox.checked));
      });
      announce(matching);
    }

    box.addEventListener("focus", function () {
      if (status) {
        return;
      }
      status = document.createElement("p");
      status.className = "picker-status";
      status.setAttribute("aria-live", "polite");
      label.parentNode.insertBefore(status, list);
      // An empty region first, then its text: screen readers announce changes to a region already there.
      window.setTimeout(narrow, 50);
    });
    box.addEventListener("input", narrow);
    box.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "Enter") {
        event.preventDefault();
        var first = visible()[0];
        if (first) {
          first.focus();
        }
      } else if (event.key === "Escape" && box.value) {
        event.preventDefault();
        box.value = "";
        narrow();
      }
    });
    list.addEventListener("keydown", function (event) {
      if (event.target.type !== "checkbox" || (event.key !== "ArrowDown" && event.key !== "ArrowUp")) {
        return;
      }
      var shown = visible();
      var index = shown.indexOf(event.target);
      event.preventDefault();
      if (event.key === "ArrowDown" && index < shown.length - 1) {
        shown[index + 1].focus();
      } else if (event.key === "ArrowUp") {
        (index > 0 ? shown[index - 1] : box).focus();
      }
    });
  }

  function enhanceAll() {
    document.querySelectorAll("[data-picker]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhanceAll);
  } else {
    enhanceAll();
  }
})();
